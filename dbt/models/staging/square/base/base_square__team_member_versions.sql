with source as (

    select * from {{ fixture_backed_source('square', 'raw_square_team_members') }}

),

team_member_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as team_member_id,
        nullif(trim({{ json_text('record', 'reference_id') }}), '') as reference_id,

        -- person
        {{ square_person_columns('record') }},

        -- role
        coalesce({{ json_boolean('record', 'is_owner') }}, false) as is_owner,
        {{ json_text('record', 'status') }} as team_member_status,
        {{ json_text('record', 'assigned_locations.assignment_type') }} as location_assignment_type,
        {{ json_value('record', 'assigned_locations.location_ids') }} as assigned_location_ids_json,

        -- timestamps
        {{ rfc3339_to_timestamp(json_text('record', 'created_at')) }} as created_at,
        {{ rfc3339_to_timestamp(json_text('record', 'updated_at')) }} as updated_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from team_member_versions
