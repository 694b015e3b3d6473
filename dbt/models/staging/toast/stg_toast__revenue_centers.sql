with revenue_center_versions as (

    select * from {{ ref('base_toast__revenue_center_versions') }}

),

latest_revenue_center_versions as (

    {{ latest_version_per_key(
        'revenue_center_versions',
        partition_by=['_source_instance', 'revenue_center_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    revenue_center_guid,
    revenue_center_name,
    description,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_revenue_center_versions
