{{ config(
    partition_by={'field': 'business_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['source_instance', 'employee_guid'],
) }}

{#- Overtime is paid at 1.5 times the hourly wage (the US federal rule; Toast reports the hours, not the pay). -#}
{%- set overtime_multiplier = 1.5 %}

with time_entries as (

    select * from {{ ref('stg_toast__time_entries') }}

),

breaks as (

    select * from {{ ref('stg_toast__time_entry_breaks') }}

),

wage_overrides as (

    select * from {{ ref('stg_toast__employee_wage_overrides') }}

),

jobs as (

    select * from {{ ref('stg_toast__jobs') }}

),

breaks_per_time_entry as (

    select
        _source_instance,
        time_entry_guid,
        count(*) as break_count,
        sum(case when is_missed then 1 else 0 end) as missed_break_count,
        sum(case when not is_missed then coalesce(break_minutes, 0) else 0 end) as break_minutes,
        sum(case when not is_missed and is_paid then coalesce(break_minutes, 0) else 0 end) as paid_break_minutes,
        sum(case when not is_missed and not is_paid then coalesce(break_minutes, 0) else 0 end) as unpaid_break_minutes

    from breaks
    group by _source_instance, time_entry_guid

),

first_wage_override_per_job as (

    -- An employee's wage for a job: the first override naming that job.
    {{ latest_version_per_key(
        'wage_overrides',
        partition_by=['_source_instance', 'employee_guid', 'job_guid'],
        order_by=['wage_override_position'],
    ) }}

),

shifts as (

    select
        time_entries.*,
        coalesce(breaks_per_time_entry.break_count, 0) as break_count,
        coalesce(breaks_per_time_entry.missed_break_count, 0) as missed_break_count,
        coalesce(breaks_per_time_entry.break_minutes, 0) as break_minutes,
        coalesce(breaks_per_time_entry.paid_break_minutes, 0) as paid_break_minutes,
        coalesce(breaks_per_time_entry.unpaid_break_minutes, 0) as unpaid_break_minutes,
        -- the wage: the time entry's own, else the employee's override for the job, else the job's hourly wage
        coalesce(
            time_entries.hourly_wage,
            first_wage_override_per_job.wage,
            case when jobs.wage_frequency = 'HOURLY' then jobs.default_wage end
        ) as applied_hourly_wage,
        case
            when time_entries.hourly_wage is not null then 'TIME_ENTRY'
            when first_wage_override_per_job.wage is not null then 'EMPLOYEE_WAGE_OVERRIDE'
            when jobs.wage_frequency = 'HOURLY' and jobs.default_wage is not null then 'JOB_DEFAULT_WAGE'
        end as wage_source

    from time_entries
    left join breaks_per_time_entry
        on time_entries._source_instance = breaks_per_time_entry._source_instance
        and time_entries.time_entry_guid = breaks_per_time_entry.time_entry_guid
    left join first_wage_override_per_job
        on time_entries._source_instance = first_wage_override_per_job._source_instance
        and time_entries.employee_guid = first_wage_override_per_job.employee_guid
        and time_entries.job_guid = first_wage_override_per_job.job_guid
    left join jobs
        on time_entries._source_instance = jobs._source_instance
        and time_entries.job_guid = jobs.job_guid

),

shifts_with_hours as (

    select
        *,
        coalesce(regular_hours, 0) + coalesce(overtime_hours, 0) as total_hours,
        round({{ timestamp_diff_seconds('clock_out_at', 'clock_in_at') }} / 3600, 2) as clocked_hours,
        round(coalesce(regular_hours, 0) * applied_hourly_wage, 2) as regular_pay,
        round(
            coalesce(overtime_hours, 0) * applied_hourly_wage * cast({{ overtime_multiplier }} as numeric), 2
        ) as overtime_pay

    from shifts

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'time_entry_guid']) }} as labor_shift_key,
        {{ surrogate_key(['_source_instance']) }} as restaurant_key,
        _source_instance as source_instance,
        time_entry_guid,
        case
            when employee_guid is not null then {{ surrogate_key(['_source_instance', 'employee_guid']) }}
        end as employee_key,
        employee_guid,
        case when job_guid is not null then {{ surrogate_key(['_source_instance', 'job_guid']) }} end as job_key,
        job_guid,

        -- status
        is_deleted,
        clock_out_at is null and not is_deleted as is_open,
        is_auto_clocked_out,

        -- hours
        regular_hours,
        overtime_hours,
        total_hours,
        clocked_hours,
        break_count,
        missed_break_count,
        break_minutes,
        paid_break_minutes,
        unpaid_break_minutes,

        -- wages
        hourly_wage,
        applied_hourly_wage,
        wage_source,
        regular_pay,
        overtime_pay,
        regular_pay + overtime_pay as total_pay,

        -- tips and sales
        declared_cash_tips,
        non_cash_tips,
        coalesce(declared_cash_tips, 0) + coalesce(non_cash_tips, 0) as total_tips,
        tips_withheld,
        cash_sales,
        non_cash_sales,
        coalesce(cash_sales, 0) + coalesce(non_cash_sales, 0) as total_sales,

        -- when
        business_date,
        clock_in_at,
        clock_out_at,
        deleted_at

    from shifts_with_hours

)

select * from final
