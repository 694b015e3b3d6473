with tax_rate_versions as (

    select * from {{ ref('base_toast__tax_rate_versions') }}

),

latest_tax_rate_versions as (

    {{ latest_version_per_key(
        'tax_rate_versions',
        partition_by=['_source_instance', 'tax_rate_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    tax_rate_guid,
    tax_rate_name,
    rate,
    tax_type,
    is_default,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_tax_rate_versions
