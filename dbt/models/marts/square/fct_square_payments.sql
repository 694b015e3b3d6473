with payments as (

    select * from {{ ref('stg_square__payments') }}

),

locations as (

    select * from {{ ref('stg_square__locations') }}

),

payments_with_location as (

    select
        payments.*,
        locations.location_name,
        coalesce(locations.time_zone, 'UTC') as time_zone,
        case
            when payments.total_minor is not null
                then payments.total_minor - coalesce(payments.refunded_minor, 0)
        end as net_total_minor

    from payments
    left join locations
        on payments._source_instance = locations._source_instance
        and payments.location_id = locations.location_id

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'payment_id']) }} as payment_key,
        _source_instance as source_instance,
        payment_id,
        location_id,
        case when order_id is not null then {{ surrogate_key(['_source_instance', 'order_id']) }} end as order_key,
        order_id,
        case when customer_id is not null then {{ surrogate_key(['_source_instance', 'customer_id']) }} end as customer_key,
        customer_id,
        case when team_member_id is not null then {{ surrogate_key(['_source_instance', 'team_member_id']) }} end as team_member_key,
        team_member_id,

        -- descriptors
        location_name,
        payment_status,
        payment_status = 'COMPLETED' as is_completed,
        source_type,
        card_brand,
        card_entry_method,
        receipt_number,
        reference_id,

        -- money
        currency_code,
        {{ square_money_columns(['amount', 'tip', 'total', 'approved', 'refunded', 'app_fee', 'net_total']) }},

        -- when
        created_at,
        updated_at,
        time_zone,
        {{ timestamp_to_local_date('created_at', 'time_zone') }} as created_date

    from payments_with_location

)

select * from final
