with menu_item_versions as (

    select * from {{ ref('base_toast__menu_item_versions') }}

),

latest_menu_item_versions as (

    {{ latest_version_per_key(
        'menu_item_versions',
        partition_by=['_source_instance', 'menu_item_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    menu_item_guid,
    menu_item_name,
    plu,
    sku,
    visibility,
    is_orderable_online,
    price,
    sales_category_guid,
    menu_group_guid,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_menu_item_versions
