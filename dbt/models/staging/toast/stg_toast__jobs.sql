with job_versions as (

    select * from {{ ref('base_toast__job_versions') }}

),

latest_job_versions as (

    {{ latest_version_per_key(
        'job_versions',
        partition_by=['_source_instance', 'job_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    job_guid,
    {%- for column in toast_job_attributes() %}
    {{ column }},
    {%- endfor %}
    created_at,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_job_versions
