{{ config(
    partition_by={'field': 'ordered_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['source_instance', 'order_id'],
) }}

{#-
  Revenue net of discounts: an order's discount (its promotions) is shared among its items in proportion to
  their line totals. Each item takes the rounded share of the running line total up to and including it, less
  the rounded share up to the item before; so the shares are whole cents and add up to the discount exactly.
  An order whose lines total 0 puts its discount on its first item. Refunds are refund orders of their own,
  dated when refunded, whose lines are negative: sums over items are net of refunds.
-#}
{%- set discount_times = 'cast(order_discount_cents as numeric) * ' %}
with order_items as (

    select * from {{ ref('stg_commerce7__order_items') }}

),

orders as (

    select * from {{ ref('int_commerce7_orders_discounted') }}

),

items_with_running_totals as (

    select
        order_items.*,
        orders.customer_id,
        orders.ordered_at,
        orders.discount_total_cents as order_discount_cents,
        sum(coalesce(order_items.line_total_cents, 0)) over (
            partition by order_items._source_instance, order_items.order_id
        ) as order_line_total_cents,
        sum(coalesce(order_items.line_total_cents, 0)) over (
            partition by order_items._source_instance, order_items.order_id
            order by order_items.item_position
            rows between unbounded preceding and current row
        ) as running_line_total_cents,
        coalesce(sum(coalesce(order_items.line_total_cents, 0)) over (
            partition by order_items._source_instance, order_items.order_id
            order by order_items.item_position
            rows between unbounded preceding and 1 preceding
        ), 0) as preceding_line_total_cents

    from order_items
    inner join orders
        on order_items._source_instance = orders._source_instance
        and order_items.order_id = orders.order_id

),

items_with_discounts as (

    select
        *,
        case
            when order_line_total_cents = 0
                then case when item_position = 1 then order_discount_cents else 0 end
            else
                {{ round_to_bigint(discount_times ~ 'running_line_total_cents / order_line_total_cents') }}
                - {{ round_to_bigint(discount_times ~ 'preceding_line_total_cents / order_line_total_cents') }}
        end as discount_cents

    from items_with_running_totals

),

items_with_net_revenue as (

    select
        *,
        line_total_cents - discount_cents as net_revenue_cents

    from items_with_discounts

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'order_item_id']) }} as order_item_key,
        {{ surrogate_key(['_source_instance', 'order_id']) }} as order_key,
        _source_instance as source_instance,
        order_id,
        order_item_id,
        item_position,
        case
            when customer_id is not null then {{ surrogate_key(['_source_instance', 'customer_id']) }}
        end as customer_key,
        customer_id,
        product_id,
        product_variant_id,

        -- what was sold
        sku,
        product_title,
        product_variant_title,
        product_type,
        volume_ml,
        channel,
        is_refund,

        -- quantities: bottles are the units of wine (negative on a refund line)
        quantity,
        case when product_type = 'Wine' then quantity else 0 end as bottles,

        -- money, in cents and in dollars
        {{ cents_and_amount_columns(['price', 'original_price', 'line_total', 'discount', 'net_revenue', 'tax']) }},

        -- when
        ordered_at,
        {{ timestamp_to_local_date('ordered_at', "'UTC'") }} as ordered_date,

        -- lineage
        _seq as raw_seq,
        _loaded_at as loaded_at

    from items_with_net_revenue

)

select * from final
