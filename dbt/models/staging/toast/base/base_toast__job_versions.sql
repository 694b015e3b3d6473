with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_jobs') }}

),

job_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'guid') }} as job_guid,

        -- the job
        {{ collapse_whitespace(json_text('record', 'title')) }} as job_title,
        nullif(trim({{ json_text('record', 'code') }}), '') as job_code,
        {{ json_text('record', 'wageFrequency') }} as wage_frequency,
        {{ json_numeric('record', 'defaultWage') }} as default_wage,
        coalesce({{ json_boolean('record', 'tipped') }}, false) as is_tipped,
        coalesce({{ json_boolean('record', 'excludeFromReporting') }}, false) as is_excluded_from_reporting,
        coalesce({{ json_boolean('record', 'deleted') }}, false) as is_deleted,

        -- timestamps
        {{ toast_timestamp('record', 'createdDate') }} as created_at,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from job_versions
