with payment_versions as (

    select * from {{ ref('base_square__payment_versions') }}

),

latest_payment_versions as (

    {#- An edited payment (approved -> completed, a tip added, a refund) lands again: the latest edit wins. -#}
    {{ latest_version_per_key(
        'payment_versions',
        partition_by=['_source_instance', 'payment_id'],
        order_by=['updated_at desc nulls last', '_seq desc'],
    ) }}

)

select
    payment_id,
    location_id,
    order_id,
    customer_id,
    team_member_id,
    version_token,
    payment_status,
    source_type,
    card_brand,
    card_entry_method,
    receipt_number,
    reference_id,
    note,
    buyer_email_address,
    currency_code,
    {{ square_money_columns(['amount', 'tip', 'total', 'approved', 'refunded', 'app_fee']) }},
    created_at,
    updated_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_payment_versions
