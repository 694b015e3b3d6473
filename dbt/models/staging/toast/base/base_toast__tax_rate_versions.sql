with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_tax_rates') }}

),

tax_rate_versions as (

    select
        _source_instance,
        {{ json_text('record', 'guid') }} as tax_rate_guid,
        {{ collapse_whitespace(json_text('record', 'name')) }} as tax_rate_name,
        {{ json_numeric('record', 'rate') }} as rate,
        {{ json_text('record', 'type') }} as tax_type,
        coalesce({{ json_boolean('record', 'isDefault') }}, false) as is_default,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,
        {{ raw_landing_columns() }}

    from source

)

select * from tax_rate_versions
