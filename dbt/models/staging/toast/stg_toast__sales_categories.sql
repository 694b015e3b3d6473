with sales_category_versions as (

    select * from {{ ref('base_toast__sales_category_versions') }}

),

latest_sales_category_versions as (

    {{ latest_version_per_key(
        'sales_category_versions',
        partition_by=['_source_instance', 'sales_category_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    sales_category_guid,
    sales_category_name,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_sales_category_versions
