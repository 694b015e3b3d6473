{#- PostgreSQL: the key the facts' relationships tests look up (BigQuery ignores `indexes`). -#}
{{ config(indexes=[{'columns': ['customer_key']}]) }}

with customers as (

    select * from {{ ref('stg_square__customers') }}

),

loyalty_accounts as (

    select * from {{ ref('stg_square__loyalty_accounts') }}

),

loyalty_per_customer as (

    -- A customer may hold accounts in more than one loyalty program.
    select
        _source_instance,
        customer_id,
        count(*) as loyalty_account_count,
        sum(points_balance) as loyalty_points_balance,
        sum(lifetime_points) as loyalty_lifetime_points,
        min(enrolled_at) as loyalty_enrolled_at

    from loyalty_accounts
    where customer_id is not null
    group by _source_instance, customer_id

),

final as (

    select
        -- keys
        {{ surrogate_key(['customers._source_instance', 'customers.customer_id']) }} as customer_key,
        customers._source_instance as source_instance,
        customers.customer_id,
        customers.reference_id,

        -- person
        customers.given_name,
        customers.family_name,
        customers.full_name,
        customers.nickname,
        customers.company_name,
        customers.email_address,
        customers.phone_number,
        customers.phone_number_raw,
        customers.birthday,

        -- postal address
        customers.address_line_1,
        customers.address_line_2,
        customers.address_city,
        customers.address_state,
        customers.address_postal_code,
        customers.address_country_code,

        -- consent and provenance
        customers.is_email_unsubscribed,
        customers.creation_source,

        -- loyalty
        coalesce(loyalty_per_customer.loyalty_account_count, 0) as loyalty_account_count,
        loyalty_per_customer.loyalty_points_balance,
        loyalty_per_customer.loyalty_lifetime_points,
        loyalty_per_customer.loyalty_enrolled_at,

        -- timestamps
        customers.created_at,
        customers.updated_at

    from customers
    left join loyalty_per_customer
        on customers._source_instance = loyalty_per_customer._source_instance
        and customers.customer_id = loyalty_per_customer.customer_id

)

select * from final
