with employee_versions as (

    select * from {{ ref('base_toast__employee_versions') }}

),

latest_employee_versions as (

    {{ latest_version_per_key(
        'employee_versions',
        partition_by=['_source_instance', 'employee_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    employee_guid,
    {%- for column in toast_employee_attributes() %}
    {{ column }},
    {%- endfor %}
    created_at,
    modified_at,
    job_references_json,
    wage_overrides_json,
    _source_instance,
    _seq,
    _loaded_at

from latest_employee_versions
