{#-
  Incremental, by order (two facts and their tests read it, and it joins orders with their payments): a build
  recomputes only the orders whose row can have changed since the table was last built -
    - a new or edited order (its staging row's `_seq` is above the table's highest `_seq`),
    - an order with a new or edited payment (the payment's `_seq` is above the table's highest
      `payments_seq`, the highest `_seq` of the payments it has taken in),
    - an order whose location's time zone is no longer the one the table holds,
  each from the order and ALL its payments, and the merge / delete+insert replaces their rows. A full refresh
  computes the same rows from every order. A payment never moves to another order (Square sets order_id when
  the payment is created), so an order only gains or updates payments; after rewriting raw data by hand,
  build with --full-refresh.
-#}
{{ config(
    materialized='incremental',
    unique_key=['_source_instance', 'order_id'],
    incremental_strategy=('merge' if target.type == 'bigquery' else 'delete+insert'),
    on_schema_change='append_new_columns',
    cluster_by=['_source_instance', 'order_id'],
    post_hook="{{ ensure_indexes([['order_id', '_source_instance'], ['_seq'], ['payments_seq'], ['_built_at']]) }}",
    meta={'tests_on_rows_built_at': '_built_at'},
) }}

{#-
  Orders with the customer and team member they are credited to, and when and where they were sold.
  Square's Order has an optional customer_id and no team member: the order's payments fill both in (the
  first completed payment that names one, then any other payment).
-#}
{%- set order_watermark = incremental_watermark('_seq') %}
{%- set payment_watermark = incremental_watermark('payments_seq') if order_watermark is not none else none %}
{%- set stale_locations = square_stale_locations('_source_instance') if order_watermark is not none else [] %}

with locations as (

    select * from {{ ref('stg_square__locations') }}

),

{%- if order_watermark is not none %}

orders_to_rebuild as (

    select _source_instance, order_id
    from {{ ref('stg_square__orders') }}
    where _seq > {{ order_watermark }}

    union distinct

    select _source_instance, order_id
    from {{ ref('stg_square__payments') }}
    where _seq > {{ payment_watermark if payment_watermark is not none else -1 }}
        and order_id is not null

    {%- if stale_locations %}

    union distinct

    select _source_instance, order_id
    from {{ this }}
    where {{ keys_in(['_source_instance', 'location_id'], stale_locations) }}
    {%- endif %}

),
{%- endif %}

orders as (

    select * from {{ ref('stg_square__orders') }} as all_orders
    {{ where_order_is_rebuilt('all_orders', order_watermark) }}

),

payments as (

    select * from {{ ref('stg_square__payments') }} as all_payments
    where order_id is not null
    {%- if order_watermark is not none %}
        and exists (
            select 1
            from orders_to_rebuild
            where orders_to_rebuild._source_instance = all_payments._source_instance
                and orders_to_rebuild.order_id = all_payments.order_id
        )
    {%- endif %}

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
                -- Explicit: the warehouses sort nulls to different ends by default.
                created_at nulls last,
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
        count(*) as payment_count,
        max(_seq) as payments_seq

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
        coalesce(locations.time_zone, 'UTC') as time_zone,
        orders._seq,
        payment_counts.payments_seq

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
    _source_instance,
    order_id,
    location_id,
    order_state,
    customer_id,
    attributed_customer_id,
    customer_attribution,
    attributed_team_member_id,
    payment_count,
    created_at,
    closed_at,
    sold_at,
    time_zone,
    {{ timestamp_to_local_date('sold_at', 'time_zone') }} as sold_date,
    _seq,
    payments_seq,
    {{ build_started_at() }} as _built_at

from orders_attributed
