{{ config(
    materialized='incremental',
    unique_key=['source_instance', 'payment_id'],
    incremental_strategy=('merge' if target.type == 'bigquery' else 'delete+insert'),
    partition_by={'field': 'created_at', 'data_type': 'timestamp', 'granularity': 'month'},
    on_schema_change='append_new_columns',
    cluster_by=['source_instance', 'payment_id'],
) }}

{#-
  Incremental: a build rebuilds only the payments whose staging row changed since the table's latest
  `raw_seq` (the payment version's load order) and those whose location's name or time zone changed; the
  merge / delete+insert replaces their rows. A full refresh computes the same rows from every payment.
-#}
{%- set watermark = incremental_watermark('raw_seq') %}

with payments as (

    select * from {{ ref('stg_square__payments') }} as changed_payments
    {%- if watermark is not none %}
    where changed_payments._seq > {{ watermark }}
        or exists (
            select 1
            from {{ this }} as current_rows
            left join {{ ref('stg_square__locations') }} as current_locations
                on current_rows.source_instance = current_locations._source_instance
                and current_rows.location_id = current_locations.location_id
            where current_rows.source_instance = changed_payments._source_instance
                and current_rows.payment_id = changed_payments.payment_id
                and (
                    current_rows.location_name is distinct from current_locations.location_name
                    or current_rows.time_zone <> coalesce(current_locations.time_zone, 'UTC')
                )
        )
    {%- endif %}

),

locations as (

    select * from {{ ref('stg_square__locations') }}

),

payments_with_location as (

    select
        payments.*,
        locations.location_name,
        coalesce(locations.time_zone, 'UTC') as time_zone,
        case
            when payments.total_minor is not null
                then payments.total_minor - coalesce(payments.refunded_minor, 0)
        end as net_total_minor

    from payments
    left join locations
        on payments._source_instance = locations._source_instance
        and payments.location_id = locations.location_id

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'payment_id']) }} as payment_key,
        _source_instance as source_instance,
        payment_id,
        location_id,
        case when order_id is not null then {{ surrogate_key(['_source_instance', 'order_id']) }} end as order_key,
        order_id,
        case when customer_id is not null then {{ surrogate_key(['_source_instance', 'customer_id']) }} end as customer_key,
        customer_id,
        case when team_member_id is not null then {{ surrogate_key(['_source_instance', 'team_member_id']) }} end as team_member_key,
        team_member_id,

        -- descriptors
        location_name,
        payment_status,
        payment_status = 'COMPLETED' as is_completed,
        source_type,
        card_brand,
        card_entry_method,
        receipt_number,
        reference_id,

        -- money
        currency_code,
        {{ square_money_columns(['amount', 'tip', 'total', 'approved', 'refunded', 'app_fee', 'net_total']) }},

        -- when
        created_at,
        updated_at,
        time_zone,
        {{ timestamp_to_local_date('created_at', 'time_zone') }} as created_date,

        -- lineage
        _seq as raw_seq

    from payments_with_location

)

select * from final
