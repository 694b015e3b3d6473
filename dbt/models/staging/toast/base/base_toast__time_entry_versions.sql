with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_time_entries') }}

),

time_entry_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'guid') }} as time_entry_guid,
        {{ toast_reference('record', 'employeeReference') }} as employee_guid,
        {{ toast_reference('record', 'jobReference') }} as job_guid,

        -- the shift
        {{ toast_business_date('record', 'businessDate') }} as business_date,
        {{ toast_timestamp('record', 'inDate') }} as clock_in_at,
        {{ toast_timestamp('record', 'outDate') }} as clock_out_at,
        coalesce({{ json_boolean('record', 'autoClockedOut') }}, false) as is_auto_clocked_out,
        {{ json_numeric('record', 'regularHours') }} as regular_hours,
        {{ json_numeric('record', 'overtimeHours') }} as overtime_hours,
        {{ json_numeric('record', 'hourlyWage') }} as hourly_wage,

        -- tips and sales
        {{ json_numeric('record', 'declaredCashTips') }} as declared_cash_tips,
        {{ json_numeric('record', 'nonCashTips') }} as non_cash_tips,
        {{ json_numeric('record', 'tipsWithheld') }} as tips_withheld,
        {{ json_numeric('record', 'cashSales') }} as cash_sales,
        {{ json_numeric('record', 'nonCashSales') }} as non_cash_sales,

        -- deletion
        coalesce({{ json_boolean('record', 'deleted') }}, false) as is_deleted,
        {{ toast_timestamp('record', 'deletedDate') }} as deleted_at,

        -- timestamps
        {{ toast_timestamp('record', 'createdDate') }} as created_at,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,

        -- nested breaks, unnested by stg_toast__time_entry_breaks
        {{ json_value('record', 'breaks') }} as breaks_json,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from time_entry_versions
