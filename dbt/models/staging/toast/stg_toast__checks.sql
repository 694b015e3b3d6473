{{ config(
    materialized='table',
    cluster_by=['_source_instance', 'order_guid'],
) }}

with orders as (

    select * from {{ ref('stg_toast__orders') }}

),

checks as (

    select
        orders._source_instance,
        orders.order_guid,
        order_check.ordinal as check_position,
        {{ json_text('order_check.value', 'guid') }} as check_guid,
        {{ json_text('order_check.value', 'displayNumber') }} as display_number,
        {{ json_text('order_check.value', 'paymentStatus') }} as payment_status,
        coalesce({{ json_boolean('order_check.value', 'voided') }}, false) as is_voided,
        coalesce({{ json_boolean('order_check.value', 'deleted') }}, false) as is_deleted,

        -- money: amount is the non-voided top-level selections' price, tax their tax, total both
        {{ json_numeric('order_check.value', 'amount') }} as amount,
        {{ json_numeric('order_check.value', 'taxAmount') }} as tax_amount,
        {{ json_numeric('order_check.value', 'totalAmount') }} as total_amount,

        -- the customer, when the check names one
        {{ json_text('order_check.value', 'customer.guid') }} as customer_guid,
        {{ clean_name(json_text('order_check.value', 'customer.firstName')) }} as customer_first_name,
        {{ clean_name(json_text('order_check.value', 'customer.lastName')) }} as customer_last_name,
        {{ clean_email(json_text('order_check.value', 'customer.email')) }} as customer_email,
        nullif(trim({{ json_text('order_check.value', 'customer.phone') }}), '') as customer_phone_raw,
        {{ phone_e164(json_text('order_check.value', 'customer.phone')) }} as customer_phone,

        -- timestamps
        {{ toast_timestamp('order_check.value', 'openedDate') }} as opened_at,
        {{ toast_timestamp('order_check.value', 'closedDate') }} as closed_at,
        {{ toast_timestamp('order_check.value', 'modifiedDate') }} as modified_at,

        -- nested arrays, unnested by stg_toast__selections, __payments, __applied_discounts, __applied_service_charges
        {{ json_value('order_check.value', 'selections') }} as selections_json,
        {{ json_value('order_check.value', 'payments') }} as payments_json,
        {{ json_value('order_check.value', 'appliedDiscounts') }} as applied_discounts_json,
        {{ json_value('order_check.value', 'appliedServiceCharges') }} as applied_service_charges_json,

        orders._seq

    from orders
    {{ unnest_json_array('orders.checks_json', 'order_check') }}

)

select * from checks
