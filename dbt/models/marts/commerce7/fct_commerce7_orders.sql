{{ config(
    partition_by={'field': 'ordered_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['source_instance', 'order_id'],
) }}

{#-
  A refund is an order of its own (negative amounts, dated when refunded, naming the order it refunds), so
  sums over orders are net of refunds; the refunded order also carries what its refunds gave back.
-#}
with orders as (

    select * from {{ ref('int_commerce7_orders_discounted') }}

),

order_items as (

    select * from {{ ref('fct_commerce7_order_items') }}

),

customer_versions as (

    select * from {{ ref('dim_commerce7_customers') }}

),

items_per_order as (

    select
        source_instance,
        order_id,
        count(*) as item_count,
        sum(quantity) as quantity,
        sum(bottles) as bottles

    from order_items
    group by source_instance, order_id

),

refunds_per_order as (

    select
        _source_instance,
        previous_order_id as order_id,
        count(*) as refund_count,
        -sum(total_cents) as refunded_total_cents

    from orders
    where is_refund
    group by _source_instance, previous_order_id

),

orders_with_parts as (

    select
        orders.*,
        coalesce(items_per_order.item_count, 0) as item_count,
        coalesce(items_per_order.quantity, 0) as quantity,
        coalesce(items_per_order.bottles, 0) as bottles,
        coalesce(refunds_per_order.refund_count, 0) as refund_count,
        coalesce(refunds_per_order.refunded_total_cents, 0) as refunded_total_cents

    from orders
    left join items_per_order
        on orders._source_instance = items_per_order.source_instance
        and orders.order_id = items_per_order.order_id
    left join refunds_per_order
        on orders._source_instance = refunds_per_order._source_instance
        and orders.order_id = refunds_per_order.order_id

),

orders_with_customer_versions as (

    select
        orders_with_parts.*,
        customer_versions.customer_version_key

    from orders_with_parts
    left join customer_versions
        on orders_with_parts._source_instance = customer_versions.source_instance
        and orders_with_parts.customer_id = customer_versions.customer_id
        and orders_with_parts.ordered_at >= customer_versions.valid_from
        and (customer_versions.valid_to is null or orders_with_parts.ordered_at < customer_versions.valid_to)

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'order_id']) }} as order_key,
        _source_instance as source_instance,
        order_id,
        order_number,
        case
            when customer_id is not null then {{ surrogate_key(['_source_instance', 'customer_id']) }}
        end as customer_key,
        customer_version_key,
        customer_id,
        club_id,
        case
            when previous_order_id is not null then {{ surrogate_key(['_source_instance', 'previous_order_id']) }}
        end as refunded_order_key,
        previous_order_id as refunded_order_id,

        -- what kind of sale
        channel,
        order_delivery_method,
        payment_status,
        fulfillment_status,
        is_refund,
        refund_count > 0 as is_refunded,
        refund_count,

        -- quantities
        item_count,
        quantity,
        bottles,
        promotion_count,

        -- money, in cents and in dollars
        {{ cents_and_amount_columns([
            'sub_total', 'discount_total', 'net_revenue', 'ship_total', 'tax_total', 'total', 'tip_total',
            'total_after_tip', 'refunded_total',
        ]) }},

        -- when: UTC, and the time as sent
        ordered_at,
        {{ timestamp_to_local_date('ordered_at', "'UTC'") }} as ordered_date,
        order_submitted_date_raw,
        order_paid_at as paid_at,

        -- lineage
        _seq as raw_seq,
        _loaded_at as loaded_at

    from orders_with_customer_versions

)

select * from final
