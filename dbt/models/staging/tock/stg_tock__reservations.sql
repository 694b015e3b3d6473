{#-
  Money columns parsed in the base model, in minor units (Tock calls them *Cents whatever the currency): each
  also gets an amount in currency units, with the currency's own decimals (JPY none, KWD three).
-#}
{%- set money_columns = [
    'subtotal', 'tax', 'service_charge', 'gratuity', 'total_price', 'net_amount_paid', 'amount_due'
] %}

with reservation_versions as (

    select * from {{ ref('base_tock__reservation_versions') }}

),

latest_reservation_versions as (

    {{ latest_version_per_key(
        'reservation_versions',
        partition_by=['_source_instance', 'reservation_id'],
        order_by=['sequence_id desc nulls last', '_seq desc'],
    ) }}

),

reservations as (

    select
        reservation_id,
        sequence_id,
        version_id,
        business_id,
        business_name,
        business_time_zone,
        currency_code,
        service_at,
        {{ timestamp_to_local_date('service_at', 'business_time_zone') }} as service_date,
        {{ timestamp_to_local_time('service_at', 'business_time_zone') }} as service_time,
        booked_time_label,
        created_at,
        last_updated_at,
        party_size,
        party_state,
        confirmation_code,
        experience_id,
        experience_name,
        experience_variety,
        experience_pos_sku,
        {{ cents_and_amount_columns(['experience_amount'], currency_code='currency_code') }},
        {{ cents_and_amount_columns(money_columns, currency_code='currency_code', amount_suffix='_amount') }},
        coalesce(is_cancelled_flag, party_state = 'CANCELLED') as is_cancelled,
        is_transferred,
        owner_guest_id,
        diner_guest_id,
        payments_json,
        refunds_json,
        _source_instance,
        _seq,
        _loaded_at

    from latest_reservation_versions

)

select * from reservations
