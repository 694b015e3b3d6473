{%- set money_fields = [
    ('subtotalCents', 'subtotal'),
    ('taxCents', 'tax'),
    ('serviceChargeCents', 'service_charge'),
    ('gratuityCents', 'gratuity'),
    ('totalPriceCents', 'total_price'),
    ('netAmountPaidCents', 'net_amount_paid'),
    ('amountDueCents', 'amount_due'),
] %}

with source as (

    select * from {{ fixture_backed_source('tock', 'raw_tock_reservation') }}

),

reservation_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as reservation_id,
        {{ json_integer('record', 'sequenceId') }} as sequence_id,
        {{ json_text('record', 'versionId') }} as version_id,

        -- business
        {{ json_text('record', 'business.id') }} as business_id,
        {{ json_text('record', 'business.name') }} as business_name,
        {{ json_text('record', 'business.timeZone') }} as business_time_zone,
        {{ json_text('record', 'business.currencyCode') }} as currency_code,

        -- when
        {{ epoch_ms_to_timestamp(json_numeric('record', 'serviceDateTimestamp')) }} as service_at,
        {{ json_text('record', 'dateTime') }} as booked_time_label,
        {{ epoch_ms_to_timestamp(json_numeric('record', 'createdTimestamp')) }} as created_at,
        {{ epoch_ms_to_timestamp(json_numeric('record', 'lastUpdatedTimestamp')) }} as last_updated_at,

        -- party
        {{ json_integer('record', 'partySize') }} as party_size,
        {{ json_text('record', 'partyState') }} as party_state,
        nullif(trim({{ json_text('record', 'confirmationCode') }}), '') as confirmation_code,

        -- experience
        {{ json_text('record', 'experience.id') }} as experience_id,
        {{ json_text('record', 'experience.name') }} as experience_name,
        {{ json_text('record', 'experience.variety') }} as experience_variety,
        {{ json_text('record', 'experience.posSku') }} as experience_pos_sku,
        {{ json_integer('record', 'experience.amountCents') }} as experience_amount_cents,

        -- money, in minor units as sent
        {%- for field, name in money_fields %}
        {{ json_integer('record', field) }} as {{ name }}_cents,
        {%- endfor %}

        -- flags
        {{ json_boolean('record', 'isCancelled') }} as is_cancelled_flag,
        coalesce({{ json_boolean('record', 'transferredOut') }}, false) as is_transferred,

        -- guests
        {{ json_text('record', 'ownerPatron.id') }} as owner_guest_id,
        {{ json_text('record', 'dinerPatron.id') }} as diner_guest_id,

        -- nested arrays, unnested by stg_tock__reservation_payments and stg_tock__reservation_refunds
        {{ json_value('record', 'payment') }} as payments_json,
        {{ json_value('record', 'refund') }} as refunds_json,

        -- landing metadata
        _seq,
        _key,
        _hash,
        _origin,
        _loaded_at,
        _run_id

    from source

)

select * from reservation_versions
