with catalog_object_versions as (

    select * from {{ ref('base_square__catalog_object_versions') }}
    where object_type = 'ITEM'

),

latest_item_versions as (

    {{ latest_version_per_key(
        'catalog_object_versions',
        partition_by=['_source_instance', 'catalog_object_id'],
        order_by=['updated_at desc nulls last', 'catalog_version desc nulls last', '_seq desc'],
    ) }}

)

select
    catalog_object_id as catalog_item_id,
    object_name as item_name,
    description,
    category_id,
    product_type,
    is_deleted,
    is_present_at_all_locations,
    catalog_version,
    created_at,
    updated_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_item_versions
