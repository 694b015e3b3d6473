{#-
  Commerce7 prices an order's items before promotions: items' price x quantity add up to subTotal, and the
  promotions (promotions[].productValue, negative cents) come off the order as a whole. total is subTotal less
  the discounts, plus shipping and tax. An order is dated when submitted (when it was created, if not sent).
-#}
with orders as (

    select * from {{ ref('stg_commerce7__orders') }}

),

order_promotions as (

    select * from {{ ref('stg_commerce7__order_promotions') }}

),

discounts_per_order as (

    select
        _source_instance,
        order_id,
        count(*) as promotion_count,
        -sum(product_value_cents) as discount_total_cents

    from order_promotions
    group by _source_instance, order_id

),

orders_discounted as (

    select
        -- keys
        orders._source_instance,
        orders.order_id,
        orders.order_number,
        orders.customer_id,
        orders.club_id,
        orders.previous_order_id,

        -- what kind of sale
        orders.is_refund,
        orders.channel,
        orders.order_delivery_method,
        orders.payment_status,
        orders.fulfillment_status,

        -- money (cents): the items before and after the promotions, then the rest of the order
        orders.sub_total_cents,
        coalesce(discounts_per_order.promotion_count, 0) as promotion_count,
        coalesce(discounts_per_order.discount_total_cents, 0) as discount_total_cents,
        orders.sub_total_cents - coalesce(discounts_per_order.discount_total_cents, 0) as net_revenue_cents,
        orders.ship_total_cents,
        orders.tax_total_cents,
        orders.tip_total_cents,
        orders.total_cents,
        orders.total_after_tip_cents,

        -- times
        coalesce(orders.order_submitted_at, orders.created_at) as ordered_at,
        orders.order_submitted_date_raw,
        orders.order_paid_at,

        -- the order's version
        orders._seq,
        orders._loaded_at

    from orders
    left join discounts_per_order
        on orders._source_instance = discounts_per_order._source_instance
        and orders.order_id = discounts_per_order.order_id

)

select * from orders_discounted
