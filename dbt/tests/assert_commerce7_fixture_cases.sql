{{ config(enabled=fixtures_enabled()) }}

{#-
  The awkward cases of the Commerce7 fixtures reach staging as Commerce7 meant them. Returns one row per case
  that does not. Runs in fixtures mode only.
-#}
with failed_cases as (

    select 'the version saved last (updatedAt) wins, though landed first' as failed_case
    where not exists (
        select 1 from {{ ref('stg_commerce7__customers') }}
        where customer_id = '2e4fdc4e-1db6-49da-ad15-b8b2c6d8b977' and _run_id = 2
    )

    union all

    select 'a customer linked to Tock keeps the patron id'
    where not exists (
        select 1 from {{ ref('stg_commerce7__customers') }}
        where customer_id = '067732ea-d9fa-4a3d-bf86-49b1f71d623e' and tock_patron_id is not null
    )

    union all

    select 'amounts sent as strings read as cents'
    where not exists (
        select 1 from {{ ref('stg_commerce7__orders') }}
        where order_id = '895683b5-a70a-4679-80b2-26f5c24efddc' and total_cents > 0 and sub_total_cents > 0
    )
    or exists (
        select 1 from {{ ref('stg_commerce7__order_items') }}
        where order_id = '895683b5-a70a-4679-80b2-26f5c24efddc' and (price_cents is null or line_total_cents <= 0)
    )

    union all

    select 'a refund order and its lines are negative'
    where not exists (
        select 1 from {{ ref('stg_commerce7__orders') }}
        where order_id = '0070dd95-03b5-46e2-aeb4-d35319d88cd2' and is_refund and total_cents < 0
    )
    or exists (
        select 1 from {{ ref('stg_commerce7__order_items') }}
        where order_id = '0070dd95-03b5-46e2-aeb4-d35319d88cd2' and (quantity >= 0 or line_total_cents >= 0)
    )

    union all

    select 'an order fulfilled later shows its fulfilled version'
    where not exists (
        select 1 from {{ ref('stg_commerce7__orders') }}
        where order_id = '1492b963-10f0-473e-ac91-74868639e87b' and fulfillment_status = 'Fulfilled'
    )

)

select * from failed_cases
