with employees as (

    select * from {{ ref('stg_toast__employees') }}

),

wage_overrides as (

    select
        employees._source_instance,
        employees.employee_guid,
        wage_override.ordinal as wage_override_position,
        {{ toast_reference('wage_override.value', 'jobReference') }} as job_guid,
        {{ json_numeric('wage_override.value', 'wage') }} as wage

    from employees
    {{ unnest_json_array('employees.wage_overrides_json', 'wage_override') }}

)

select * from wage_overrides
