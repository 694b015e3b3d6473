{#-
  One row per Square customer: visits, spend, favourite services and team member, modifiers bought.
  A visit is a day (on the location's wall clock) with a completed payment or an attended appointment.
-#}
{%- set top_services_limit = 3 %}
{%- set modifiers_limit = 10 %}

with customers as (

    select * from {{ ref('dim_square_customers') }}

),

team_members as (

    select * from {{ ref('dim_square_team_members') }}

),

completed_payments as (

    select * from {{ ref('fct_square_payments') }}
    where is_completed and customer_key is not null

),

attended_appointments as (

    select * from {{ ref('fct_square_appointments') }}
    where is_attended and customer_key is not null

),

completed_modifier_sales as (

    select * from {{ ref('fct_square_modifier_sales') }}
    where is_completed_order and customer_key is not null

),

visit_days as (

    select customer_key, created_date as visit_date from completed_payments
    union all
    select customer_key, start_date as visit_date from attended_appointments

),

visits as (

    select
        customer_key,
        count(distinct visit_date) as visit_count,
        min(visit_date) as first_visit_date,
        max(visit_date) as last_visit_date

    from visit_days
    group by customer_key

),

spend_per_currency as (

    select
        customer_key,
        currency_code,
        count(*) as payment_count,
        count(distinct created_date) as paid_visit_count,
        sum(net_total_minor) as net_total_minor,
        row_number() over (
            partition by customer_key
            order by count(*) desc, sum(net_total_minor) desc, currency_code
        ) as currency_rank

    from completed_payments
    group by customer_key, currency_code

),

other_currency_payments as (

    select customer_key, sum(payment_count) as payment_count
    from spend_per_currency
    where currency_rank > 1
    group by customer_key

),

spend as (

    -- Money in one currency only: the customer's main one (most payments). Payments in others are counted.
    select
        main_currency.customer_key,
        main_currency.currency_code,
        main_currency.payment_count,
        main_currency.paid_visit_count,
        main_currency.net_total_minor as lifetime_value_minor,
        coalesce(other_currency_payments.payment_count, 0) as other_currency_payment_count

    from spend_per_currency as main_currency
    left join other_currency_payments
        on main_currency.customer_key = other_currency_payments.customer_key
    where main_currency.currency_rank = 1

),

service_counts as (

    select
        customer_key,
        service_name,
        count(*) as appointment_count

    from attended_appointments
    where service_name is not null
    group by customer_key, service_name

),

top_services as (

    select
        customer_key,
        {{ dbt.listagg(
            'service_name', "', '", 'order by appointment_count desc, service_name', top_services_limit
        ) }} as top_services

    from service_counts
    group by customer_key

),

team_member_contacts as (

    select customer_key, team_member_key, team_member_id, 1 as is_appointment, start_at as seen_at
    from attended_appointments
    where team_member_key is not null
    union all
    select customer_key, team_member_key, team_member_id, 0 as is_appointment, created_at as seen_at
    from completed_payments
    where team_member_key is not null

),

ranked_team_members as (

    -- Most attended appointment segments, then most payments taken, then the most recent, then the id.
    select
        customer_key,
        team_member_key,
        team_member_id,
        row_number() over (
            partition by customer_key
            order by sum(is_appointment) desc, count(*) desc, max(seen_at) desc, team_member_id
        ) as team_member_rank

    from team_member_contacts
    group by customer_key, team_member_key, team_member_id

),

modifier_counts as (

    select
        customer_key,
        modifier_name,
        sum(quantity_sold) as quantity_sold

    from completed_modifier_sales
    where modifier_name is not null
    group by customer_key, modifier_name

),

modifiers_bought as (

    select
        customer_key,
        sum(quantity_sold) as modifier_quantity_bought,
        count(*) as distinct_modifiers_bought,
        {{ dbt.listagg(
            'modifier_name', "', '", 'order by quantity_sold desc, modifier_name', modifiers_limit
        ) }} as modifiers_bought

    from modifier_counts
    group by customer_key

),

profiles as (

    select
        customers.customer_key,
        customers.source_instance,
        customers.customer_id,
        customers.full_name,
        customers.email_address,
        customers.phone_number,

        -- visits
        coalesce(visits.visit_count, 0) as visit_count,
        visits.first_visit_date,
        visits.last_visit_date,
        case
            when visits.visit_count > 1
                then cast({{ dbt.datediff('visits.first_visit_date', 'visits.last_visit_date', 'day') }} as numeric)
                    / (visits.visit_count - 1)
        end as mean_days_between_visits,

        -- spend, in the customer's main currency
        spend.currency_code,
        coalesce(spend.payment_count, 0) as payment_count,
        coalesce(spend.paid_visit_count, 0) as paid_visit_count,
        coalesce(spend.lifetime_value_minor, 0) as lifetime_value_minor,
        coalesce(spend.other_currency_payment_count, 0) as other_currency_payment_count,

        -- preferences
        top_services.top_services,
        ranked_team_members.team_member_key as preferred_team_member_key,
        ranked_team_members.team_member_id as preferred_team_member_id,
        team_members.full_name as preferred_team_member_name,
        coalesce(modifiers_bought.modifier_quantity_bought, 0) as modifier_quantity_bought,
        coalesce(modifiers_bought.distinct_modifiers_bought, 0) as distinct_modifiers_bought,
        modifiers_bought.modifiers_bought

    from customers
    left join visits
        on customers.customer_key = visits.customer_key
    left join spend
        on customers.customer_key = spend.customer_key
    left join top_services
        on customers.customer_key = top_services.customer_key
    left join ranked_team_members
        on customers.customer_key = ranked_team_members.customer_key
        and ranked_team_members.team_member_rank = 1
    left join team_members
        on ranked_team_members.team_member_key = team_members.team_member_key
    left join modifiers_bought
        on customers.customer_key = modifiers_bought.customer_key

),

final as (

    select
        customer_key,
        source_instance,
        customer_id,
        full_name,
        email_address,
        phone_number,
        visit_count,
        first_visit_date,
        last_visit_date,
        round(mean_days_between_visits, 1) as mean_days_between_visits,
        currency_code,
        payment_count,
        paid_visit_count,
        lifetime_value_minor,
        {{ minor_units_to_amount('lifetime_value_minor', 'currency_code') }} as lifetime_value,
        -- Mean net spend per day with a payment, in currency units (exact to the currency's minor unit).
        case
            when paid_visit_count > 0
                then {{ minor_units_to_amount(
                    'round(cast(lifetime_value_minor as numeric) / paid_visit_count)', 'currency_code'
                ) }}
        end as mean_spend_per_visit,
        other_currency_payment_count,
        top_services,
        preferred_team_member_key,
        preferred_team_member_id,
        preferred_team_member_name,
        modifier_quantity_bought,
        distinct_modifiers_bought,
        modifiers_bought

    from profiles

)

select * from final
