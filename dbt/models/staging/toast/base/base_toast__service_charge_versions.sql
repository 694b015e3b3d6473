with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_service_charges') }}

),

service_charge_versions as (

    select
        _source_instance,
        {{ json_text('record', 'guid') }} as service_charge_guid,
        {{ collapse_whitespace(json_text('record', 'name')) }} as service_charge_name,
        {{ json_text('record', 'amountType') }} as amount_type,
        {{ json_numeric('record', 'amount') }} as amount,
        {{ json_numeric('record', 'percent') }} as percent,
        coalesce({{ json_boolean('record', 'gratuity') }}, false) as is_gratuity,
        coalesce({{ json_boolean('record', 'taxable') }}, false) as is_taxable,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,
        {{ raw_landing_columns() }}

    from source

)

select * from service_charge_versions
