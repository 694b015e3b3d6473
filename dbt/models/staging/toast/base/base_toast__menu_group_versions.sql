with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_menu_groups') }}

),

menu_group_versions as (

    select
        _source_instance,
        {{ json_text('record', 'guid') }} as menu_group_guid,
        {{ collapse_whitespace(json_text('record', 'name')) }} as menu_group_name,
        {{ json_text('record', 'visibility') }} as visibility,
        {{ toast_reference('record', 'parent') }} as parent_menu_group_guid,
        {{ json_value('record', 'items') }} as items_json,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,
        {{ raw_landing_columns() }}

    from source

)

select * from menu_group_versions
