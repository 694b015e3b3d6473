{#- (minor units, currency units) pairs carried from staging -#}
{%- set money_columns = [
    ('experience_amount_cents', 'experience_amount'),
    ('subtotal_cents', 'subtotal_amount'),
    ('tax_cents', 'tax_amount'),
    ('service_charge_cents', 'service_charge_amount'),
    ('gratuity_cents', 'gratuity_amount'),
    ('total_price_cents', 'total_price_amount'),
    ('net_amount_paid_cents', 'net_amount_paid_amount'),
    ('amount_due_cents', 'amount_due_amount'),
] %}

with reservations as (

    select * from {{ ref('stg_tock__reservations') }}

),

payments as (

    select * from {{ ref('stg_tock__reservation_payments') }}

),

refunds as (

    select * from {{ ref('stg_tock__reservation_refunds') }}

),

refunds_per_reservation as (

    select
        _source_instance,
        reservation_id,
        sum(amount_cents) as refunds_cents

    from refunds
    group by _source_instance, reservation_id

),

payments_per_reservation as (

    select
        _source_instance,
        reservation_id,
        count(*) as payment_count,
        sum(amount_cents) as payments_cents,
        sum(processor_fee_cents) as processor_fees_cents,
        sum(tock_fee_cents) as tock_fees_cents

    from payments
    group by _source_instance, reservation_id

),

reservations_with_payments as (

    select
        reservations.*,
        coalesce(payments_per_reservation.payment_count, 0) as payment_count,
        coalesce(payments_per_reservation.payments_cents, 0) as payments_cents,
        coalesce(payments_per_reservation.processor_fees_cents, 0) as processor_fees_cents,
        coalesce(payments_per_reservation.tock_fees_cents, 0) as tock_fees_cents,
        coalesce(refunds_per_reservation.refunds_cents, 0) as refunds_cents

    from reservations
    left join payments_per_reservation
        on reservations._source_instance = payments_per_reservation._source_instance
        and reservations.reservation_id = payments_per_reservation.reservation_id
    left join refunds_per_reservation
        on reservations._source_instance = refunds_per_reservation._source_instance
        and reservations.reservation_id = refunds_per_reservation.reservation_id

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'reservation_id']) }} as reservation_key,
        _source_instance as source_instance,
        reservation_id,
        sequence_id,
        business_id,
        experience_id,
        case
            when owner_guest_id is not null then {{ surrogate_key(['_source_instance', 'owner_guest_id']) }}
        end as owner_guest_key,
        owner_guest_id,
        case
            when diner_guest_id is not null then {{ surrogate_key(['_source_instance', 'diner_guest_id']) }}
        end as diner_guest_key,
        diner_guest_id,

        -- descriptors
        business_name,
        business_time_zone,
        currency_code,
        confirmation_code,
        experience_name,
        experience_variety,
        experience_pos_sku,

        -- when
        service_at,
        service_date,
        service_time,
        booked_time_label,
        created_at,
        last_updated_at,

        -- party
        party_size,
        party_state,
        is_cancelled,
        is_transferred,
        confirmation_code is null as is_walk_in,

        -- money
        {%- for cents_column, amount_column in money_columns %}
        {{ cents_column }},
        {{ amount_column }},
        {%- endfor %}
        payment_count,
        {{ cents_and_amount_columns(
            ['payments', 'refunds', 'processor_fees', 'tock_fees'], currency_code='currency_code', amount_suffix='_amount'
        ) }},
        -- What the guest paid and kept paid: payments less refunds (reconciled with netAmountPaidCents).
        payments_cents - refunds_cents as net_payments_cents,
        {{ minor_units_to_amount('payments_cents - refunds_cents', 'currency_code') }} as net_payments_amount

    from reservations_with_payments

)

select * from final
