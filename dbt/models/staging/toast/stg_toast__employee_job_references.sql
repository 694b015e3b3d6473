with employees as (

    select * from {{ ref('stg_toast__employees') }}

),

job_references as (

    select
        employees._source_instance,
        employees.employee_guid,
        job_reference.ordinal as job_position,
        {{ toast_reference('job_reference.value', []) }} as job_guid

    from employees
    {{ unnest_json_array('employees.job_references_json', 'job_reference') }}

)

select * from job_references
