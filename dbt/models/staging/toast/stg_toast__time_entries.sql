with time_entry_versions as (

    select * from {{ ref('base_toast__time_entry_versions') }}

),

latest_time_entry_versions as (

    {{ latest_version_per_key(
        'time_entry_versions',
        partition_by=['_source_instance', 'time_entry_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    time_entry_guid,
    employee_guid,
    job_guid,
    business_date,
    clock_in_at,
    clock_out_at,
    is_auto_clocked_out,
    regular_hours,
    overtime_hours,
    hourly_wage,
    declared_cash_tips,
    non_cash_tips,
    tips_withheld,
    cash_sales,
    non_cash_sales,
    is_deleted,
    deleted_at,
    created_at,
    modified_at,
    breaks_json,
    _source_instance,
    _seq,
    _loaded_at

from latest_time_entry_versions
