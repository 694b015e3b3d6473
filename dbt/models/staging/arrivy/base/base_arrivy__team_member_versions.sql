with source as (

    {{ arrivy_versions_with_deletions(fixture_backed_source('arrivy', 'raw_arrivy_team_members')) }}

),

team_member_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as team_member_id,
        {{ json_text('record', 'owner') }} as owner_id,
        {{ json_text('record', 'group_id') }} as group_id,

        -- team member
        {{ collapse_whitespace(json_text('record', 'name')) }} as team_member_name,
        upper({{ collapse_whitespace(json_text('record', 'type')) }}) as entity_type,
        {{ clean_email(json_text('record', 'email')) }} as email,
        {{ collapse_whitespace(json_text('record', 'details')) }} as details,
        {{ collapse_whitespace(json_text('record', 'image_path')) }} as image_path,
        {{ json_value('record', 'extra_fields') }} as extra_fields_json,

        -- deletion
        is_deleted,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from team_member_versions
