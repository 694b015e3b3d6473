with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_menus') }}

),

menu_versions as (

    select
        _source_instance,
        {{ json_text('record', 'guid') }} as menu_guid,
        {{ collapse_whitespace(json_text('record', 'name')) }} as menu_name,
        nullif(trim({{ json_text('record', 'description') }}), '') as description,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,
        -- groups with their items and subgroups, nested several levels
        {{ json_value('record', 'menuGroups') }} as menu_groups_json,
        {{ raw_landing_columns() }}

    from source

)

select * from menu_versions
