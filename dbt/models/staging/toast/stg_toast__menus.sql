with menu_versions as (

    select * from {{ ref('base_toast__menu_versions') }}

),

latest_menu_versions as (

    {{ latest_version_per_key(
        'menu_versions',
        partition_by=['_source_instance', 'menu_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    menu_guid,
    menu_name,
    description,
    menu_groups_json,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_menu_versions
