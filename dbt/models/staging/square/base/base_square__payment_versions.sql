{#- Square Money fields of a Payment -> <name>_minor columns (amounts in currency units are added in staging). -#}
{%- set money_fields = [
    ('amount_money', 'amount'),
    ('tip_money', 'tip'),
    ('total_money', 'total'),
    ('approved_money', 'approved'),
    ('refunded_money', 'refunded'),
    ('app_fee_money', 'app_fee'),
] %}

{#- Its tests read the raw versions landed since stg_square__payments was last built (see tests_on_new_rows.sql). -#}
{{ config(meta={'tests_on_rows_after': {'model': 'stg_square__payments', 'column': '_seq'}}) }}

with source as (

    select * from {{ fixture_backed_source('square', 'raw_square_payments') }}

),

payment_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as payment_id,
        {{ json_text('record', 'location_id') }} as location_id,
        {{ json_text('record', 'order_id') }} as order_id,
        {{ json_text('record', 'customer_id') }} as customer_id,
        coalesce(
            {{ json_text('record', 'team_member_id') }},
            {{ json_text('record', 'employee_id') }}
        ) as team_member_id,
        {{ json_text('record', 'version_token') }} as version_token,

        -- descriptors
        {{ json_text('record', 'status') }} as payment_status,
        {{ json_text('record', 'source_type') }} as source_type,
        {{ json_text('record', 'card_details.card.card_brand') }} as card_brand,
        {{ json_text('record', 'card_details.entry_method') }} as card_entry_method,
        nullif(trim({{ json_text('record', 'receipt_number') }}), '') as receipt_number,
        nullif(trim({{ json_text('record', 'reference_id') }}), '') as reference_id,
        nullif(trim({{ json_text('record', 'note') }}), '') as note,
        {{ clean_email(json_text('record', 'buyer_email_address')) }} as buyer_email_address,

        -- money, in minor units as sent
        {{ square_currency(
            'record', ['total_money', 'amount_money', 'approved_money', 'tip_money']
        ) }} as currency_code,
        {%- for field, name in money_fields %}
        {{ json_integer('record', [field, 'amount']) }} as {{ name }}_minor,
        {%- endfor %}

        -- timestamps
        {{ rfc3339_to_timestamp(json_text('record', 'created_at')) }} as created_at,
        {{ rfc3339_to_timestamp(json_text('record', 'updated_at')) }} as updated_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from payment_versions
