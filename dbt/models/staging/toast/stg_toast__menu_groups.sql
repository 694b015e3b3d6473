with menu_group_versions as (

    select * from {{ ref('base_toast__menu_group_versions') }}

),

latest_menu_group_versions as (

    {{ latest_version_per_key(
        'menu_group_versions',
        partition_by=['_source_instance', 'menu_group_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    menu_group_guid,
    menu_group_name,
    visibility,
    parent_menu_group_guid,
    items_json,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_menu_group_versions
