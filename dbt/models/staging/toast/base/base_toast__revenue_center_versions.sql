with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_revenue_centers') }}

),

revenue_center_versions as (

    select
        _source_instance,
        {{ json_text('record', 'guid') }} as revenue_center_guid,
        {{ collapse_whitespace(json_text('record', 'name')) }} as revenue_center_name,
        nullif(trim({{ json_text('record', 'description') }}), '') as description,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,
        {{ raw_landing_columns() }}

    from source

)

select * from revenue_center_versions
