with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_employees') }}

),

employee_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'guid') }} as employee_guid,
        nullif(trim({{ json_text('record', 'externalEmployeeId') }}), '') as external_employee_id,

        -- person
        {{ clean_name(json_text('record', 'firstName')) }} as first_name,
        {{ clean_name(json_text('record', 'lastName')) }} as last_name,
        {{ clean_name(json_text('record', 'chosenName')) }} as chosen_name,
        {{ clean_email(json_text('record', 'email')) }} as email,
        nullif(trim({{ json_text('record', 'phoneNumber') }}), '') as phone_number_raw,
        {{ phone_e164(json_text('record', 'phoneNumber')) }} as phone_number,

        -- deletion
        coalesce({{ json_boolean('record', 'deleted') }}, false) as is_deleted,
        {{ toast_timestamp('record', 'deletedDate') }} as deleted_at,

        -- timestamps
        {{ toast_timestamp('record', 'createdDate') }} as created_at,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,

        -- nested arrays, unnested by stg_toast__employee_job_references and stg_toast__employee_wage_overrides
        {{ json_value('record', 'jobReferences') }} as job_references_json,
        {{ json_value('record', 'wageOverrides') }} as wage_overrides_json,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from employee_versions
