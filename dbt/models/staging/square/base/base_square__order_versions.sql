{#- Square Money fields of an Order -> <name>_minor columns (amounts in currency units are added in staging). -#}
{%- set money_fields = [
    ('total_money', 'total'),
    ('total_tax_money', 'total_tax'),
    ('total_discount_money', 'total_discount'),
    ('total_tip_money', 'total_tip'),
    ('total_service_charge_money', 'total_service_charge'),
] %}

{#- Its tests read the raw versions landed since stg_square__orders was last built (see tests_on_new_rows.sql). -#}
{{ config(meta={'tests_on_rows_after': {'model': 'stg_square__orders', 'column': '_seq'}}) }}

with source as (

    select * from {{ fixture_backed_source('square', 'raw_square_orders') }}

),

order_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as order_id,
        {{ json_integer('record', 'version') }} as order_version,
        {{ json_text('record', 'location_id') }} as location_id,
        {{ json_text('record', 'customer_id') }} as customer_id,
        nullif(trim({{ json_text('record', 'reference_id') }}), '') as reference_id,

        -- descriptors
        {{ json_text('record', 'state') }} as order_state,
        {{ json_text('record', 'source.name') }} as source_name,
        nullif(trim({{ json_text('record', 'ticket_name') }}), '') as ticket_name,

        -- money, in minor units as sent
        {{ square_currency('record', ['total_money', 'net_amounts.total_money', 'total_tax_money']) }} as currency_code,
        {%- for field, name in money_fields %}
        {{ json_integer('record', [field, 'amount']) }} as {{ name }}_minor,
        {%- endfor %}

        -- timestamps
        {{ rfc3339_to_timestamp(json_text('record', 'created_at')) }} as created_at,
        {{ rfc3339_to_timestamp(json_text('record', 'updated_at')) }} as updated_at,
        {{ rfc3339_to_timestamp(json_text('record', 'closed_at')) }} as closed_at,

        -- nested arrays, unnested by stg_square__order_line_items
        {{ json_value('record', 'line_items') }} as line_items_json,
        {{ json_value('record', 'tenders') }} as tenders_json,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from order_versions
