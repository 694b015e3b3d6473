with dining_option_versions as (

    select * from {{ ref('base_toast__dining_option_versions') }}

),

latest_dining_option_versions as (

    {{ latest_version_per_key(
        'dining_option_versions',
        partition_by=['_source_instance', 'dining_option_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    dining_option_guid,
    dining_option_name,
    behavior,
    is_curbside,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_dining_option_versions
