with reservations as (

    select * from {{ ref('stg_tock__reservations') }}

),

payments as (

    select
        reservations._source_instance,
        reservations.reservation_id,
        payment.ordinal as payment_position,
        {{ json_text('payment.value', 'id') }} as payment_id,
        {{ json_text('payment.value', 'paymentType') }} as payment_type,
        reservations.currency_code,
        {{ json_integer('payment.value', 'amount') }} as amount_cents,
        {{ json_integer('payment.value', 'processorFeeCents') }} as processor_fee_cents,
        {{ json_integer('payment.value', 'tockFeeCents') }} as tock_fee_cents

    from reservations
    {{ unnest_json_array('reservations.payments_json', 'payment') }}

),

payments_with_amounts as (

    select
        _source_instance,
        reservation_id,
        payment_position,
        payment_id,
        payment_type,
        currency_code,
        {{ cents_and_amount_columns(['amount'], currency_code='currency_code') }},
        {{ cents_and_amount_columns(
            ['processor_fee', 'tock_fee'], currency_code='currency_code', amount_suffix='_amount'
        ) }}

    from payments

)

select * from payments_with_amounts
