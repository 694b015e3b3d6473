{#- A table: two facts and their tests read it, and it joins every order with every payment. -#}
{{ config(materialized='table') }}

{#-
  Orders with the customer and team member they are credited to, and when and where they were sold.
  Square's Order has an optional customer_id and no team member: the order's payments fill both in (the
  first completed payment that names one, then any other payment).
-#}
with orders as (

    select * from {{ ref('stg_square__orders') }}

),

payments as (

    select * from {{ ref('stg_square__payments') }}
    where order_id is not null

),

locations as (

    select * from {{ ref('stg_square__locations') }}

),

{%- for role in ['customer', 'team_member'] %}

ranked_payment_{{ role }}s as (

    select
        _source_instance,
        order_id,
        {{ role }}_id,
        row_number() over (
            partition by _source_instance, order_id
            order by
                case when payment_status = 'COMPLETED' then 0 else 1 end,
                created_at,
                payment_id
        ) as rank_in_order

    from payments
    where {{ role }}_id is not null

),

payment_{{ role }}s as (

    select _source_instance, order_id, {{ role }}_id
    from ranked_payment_{{ role }}s
    where rank_in_order = 1

),
{%- endfor %}

payment_counts as (

    select
        _source_instance,
        order_id,
        count(*) as payment_count

    from payments
    group by _source_instance, order_id

),

orders_attributed as (

    select
        orders._source_instance,
        orders.order_id,
        orders.location_id,
        orders.order_state,
        orders.customer_id,
        coalesce(orders.customer_id, payment_customers.customer_id) as attributed_customer_id,
        case
            when orders.customer_id is not null then 'order'
            when payment_customers.customer_id is not null then 'payment'
        end as customer_attribution,
        payment_team_members.team_member_id as attributed_team_member_id,
        coalesce(payment_counts.payment_count, 0) as payment_count,
        orders.created_at,
        orders.closed_at,
        coalesce(orders.closed_at, orders.created_at) as sold_at,
        coalesce(locations.time_zone, 'UTC') as time_zone

    from orders
    left join payment_customers
        on orders._source_instance = payment_customers._source_instance
        and orders.order_id = payment_customers.order_id
    left join payment_team_members
        on orders._source_instance = payment_team_members._source_instance
        and orders.order_id = payment_team_members.order_id
    left join payment_counts
        on orders._source_instance = payment_counts._source_instance
        and orders.order_id = payment_counts.order_id
    left join locations
        on orders._source_instance = locations._source_instance
        and orders.location_id = locations.location_id

)

select
    *,
    {{ timestamp_to_local_date('sold_at', 'time_zone') }} as sold_date

from orders_attributed
