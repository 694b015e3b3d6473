{{ config(
    partition_by={'field': 'paid_business_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['source_instance', 'payment_guid'],
) }}

with payments as (

    select * from {{ ref('stg_toast__payments') }}

),

checks as (

    select * from {{ ref('stg_toast__checks') }}

),

orders as (

    select * from {{ ref('stg_toast__orders') }}

),

payments_with_orders as (

    select
        payments.*,
        orders.business_date as order_business_date,
        orders.is_voided as is_order_voided,
        orders.is_deleted as is_order_deleted,
        checks.is_voided as is_check_voided,
        checks.is_deleted as is_check_deleted,
        coalesce(payments.refund_amount, 0) as refunded_amount,
        coalesce(payments.tip_refund_amount, 0) as tip_refunded_amount

    from payments
    inner join checks
        on payments._source_instance = checks._source_instance
        and payments.order_guid = checks.order_guid
        and payments.check_guid = checks.check_guid
    inner join orders
        on payments._source_instance = orders._source_instance
        and payments.order_guid = orders.order_guid

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'payment_guid']) }} as payment_key,
        {{ surrogate_key(['_source_instance', 'order_guid']) }} as order_key,
        {{ surrogate_key(['_source_instance']) }} as restaurant_key,
        _source_instance as source_instance,
        payment_guid,
        order_guid,
        check_guid,
        case
            when server_guid is not null then {{ surrogate_key(['_source_instance', 'server_guid']) }}
        end as server_employee_key,
        server_guid,

        -- the tender
        payment_type,
        card_type,
        last_4_digits,
        payment_status,
        refund_status,
        payment_status = 'CAPTURED' as is_captured,
        payment_status in ('VOIDED', 'DENIED') as is_voided_or_denied,
        coalesce(refund_status, 'NONE') <> 'NONE' as is_refunded,
        is_check_voided,
        is_check_deleted,
        is_order_voided,
        is_order_deleted,

        -- money
        amount,
        tip_amount,
        amount + coalesce(tip_amount, 0) as total_amount,
        amount_tendered,
        case when payment_type = 'CASH' and amount_tendered is not null
            then amount_tendered - amount - coalesce(tip_amount, 0)
        end as change_amount,
        refunded_amount,
        tip_refunded_amount,
        amount - refunded_amount as net_amount,
        coalesce(tip_amount, 0) - tip_refunded_amount as net_tip_amount,
        -- what the payment brought in, after refunds: nothing when it was voided or denied
        case when payment_status in ('VOIDED', 'DENIED') then 0
            else amount + coalesce(tip_amount, 0) - refunded_amount - tip_refunded_amount
        end as net_collected_amount,

        -- when
        paid_at,
        paid_business_date,
        order_business_date,
        refunded_at

    from payments_with_orders

)

select * from final
