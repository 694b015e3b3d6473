{#-
  Every order of a known customer finds the customer's dim_commerce7_customers row as of the order (the as-of
  join). Returns the orders that do not. Warns: an order imported into Commerce7 may be dated before its
  customer was created.
-#}
{{ config(severity='warn') }}

with orders as (

    select * from {{ ref('fct_commerce7_orders') }}

),

customers as (

    select distinct customer_key from {{ ref('dim_commerce7_customers') }}

)

select
    orders.source_instance,
    orders.order_id,
    orders.customer_id,
    orders.ordered_at

from orders
inner join customers
    on orders.customer_key = customers.customer_key
where orders.customer_version_key is null
