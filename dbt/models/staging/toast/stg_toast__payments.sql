{{ config(
    materialized='table',
    partition_by={'field': 'paid_business_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['_source_instance', 'order_guid'],
) }}

with checks as (

    select * from {{ ref('stg_toast__checks') }}

),

payments as (

    select
        checks._source_instance,
        checks.order_guid,
        checks.check_guid,
        payment.ordinal as payment_position,
        {{ json_text('payment.value', 'guid') }} as payment_guid,
        {{ toast_reference('payment.value', 'server') }} as server_guid,

        -- the tender
        {{ json_text('payment.value', 'type') }} as payment_type,
        {{ json_text('payment.value', 'cardType') }} as card_type,
        nullif(trim({{ json_text('payment.value', 'last4Digits') }}), '') as last_4_digits,
        {{ json_text('payment.value', 'paymentStatus') }} as payment_status,
        {{ json_text('payment.value', 'refundStatus') }} as refund_status,

        -- money
        {{ json_numeric('payment.value', 'amount') }} as amount,
        {{ json_numeric('payment.value', 'tipAmount') }} as tip_amount,
        {{ json_numeric('payment.value', 'amountTendered') }} as amount_tendered,
        {{ json_numeric('payment.value', 'refund.refundAmount') }} as refund_amount,
        {{ json_numeric('payment.value', 'refund.tipRefundAmount') }} as tip_refund_amount,

        -- when
        {{ toast_timestamp('payment.value', 'paidDate') }} as paid_at,
        {{ toast_business_date('payment.value', 'paidBusinessDate') }} as paid_business_date,
        {{ toast_timestamp('payment.value', 'refund.refundDate') }} as refunded_at,

        checks._seq

    from checks
    {{ unnest_json_array('checks.payments_json', 'payment') }}

)

select * from payments
