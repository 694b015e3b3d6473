with reservations as (

    select * from {{ ref('stg_tock__reservations') }}

),

refunds as (

    select
        reservations._source_instance,
        reservations.reservation_id,
        refund.ordinal as refund_position,
        {{ json_text('refund.value', 'id') }} as refund_id,
        {{ json_text('refund.value', 'reason') }} as refund_reason,
        {{ epoch_ms_to_timestamp(json_numeric('refund.value', 'createdTimestamp')) }} as refunded_at,
        reservations.currency_code,
        {{ json_integer('refund.value', 'amountCents') }} as amount_cents

    from reservations
    {{ unnest_json_array('reservations.refunds_json', 'refund') }}

),

refunds_with_amounts as (

    select
        _source_instance,
        reservation_id,
        refund_position,
        refund_id,
        refund_reason,
        refunded_at,
        currency_code,
        {{ cents_and_amount_columns(['amount'], currency_code='currency_code') }}

    from refunds

)

select * from refunds_with_amounts
