with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_sales_categories') }}

),

sales_category_versions as (

    select
        _source_instance,
        {{ json_text('record', 'guid') }} as sales_category_guid,
        {{ collapse_whitespace(json_text('record', 'name')) }} as sales_category_name,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,
        {{ raw_landing_columns() }}

    from source

)

select * from sales_category_versions
