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
        orders.*,
        coalesce(orders.order_submitted_at, orders.created_at) as ordered_at,
        coalesce(discounts_per_order.promotion_count, 0) as promotion_count,
        coalesce(discounts_per_order.discount_total_cents, 0) as discount_total_cents,
        orders.sub_total_cents - coalesce(discounts_per_order.discount_total_cents, 0) as net_revenue_cents

    from orders
    left join discounts_per_order
        on orders._source_instance = discounts_per_order._source_instance
        and orders.order_id = discounts_per_order.order_id

)

select * from orders_discounted
