with discount_versions as (

    select * from {{ ref('base_toast__discount_versions') }}

),

latest_discount_versions as (

    {{ latest_version_per_key(
        'discount_versions',
        partition_by=['_source_instance', 'discount_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    discount_guid,
    discount_name,
    is_active,
    discount_type,
    amount,
    percentage,
    selection_type,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_discount_versions
