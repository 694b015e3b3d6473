{{ config(
    materialized='incremental',
    unique_key=['source_instance', 'payment_id'],
    incremental_strategy=('merge' if target.type == 'bigquery' else 'delete+insert'),
    partition_by={'field': 'created_date', 'data_type': 'date', 'granularity': 'month'},
    on_schema_change='append_new_columns',
    cluster_by=['source_instance', 'payment_id'],
    post_hook="{{ ensure_indexes([['payment_id', 'source_instance'], ['raw_seq'], ['built_at']]) }}",
    meta={'tests_on_rows_built_at': 'built_at'},
) }}

{#-
  Incremental: a build rebuilds only the payments whose staging row changed since the table's highest
  `raw_seq` (the payment version's load order) and those at a location whose name or time zone is no longer
  the one the table holds (square_stale_locations); the merge / delete+insert replaces their rows. A full
  refresh computes the same rows from every payment.
-#}
{%- set watermark = incremental_watermark('raw_seq') %}
{%- set stale_locations = square_stale_locations('source_instance', with_name=true) if watermark is not none else [] %}

with locations as (

    select * from {{ ref('stg_square__locations') }}

),

payments as (

    select * from {{ ref('stg_square__payments') }}
    {%- if watermark is not none %}
    where _seq > {{ watermark }}
        {%- if stale_locations %}
        or {{ keys_in(['_source_instance', 'location_id'], stale_locations) }}
        {%- endif %}
    {%- endif %}

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
        case
            when customer_id is not null then {{ surrogate_key(['_source_instance', 'customer_id']) }}
        end as customer_key,
        customer_id,
        case
            when team_member_id is not null then {{ surrogate_key(['_source_instance', 'team_member_id']) }}
        end as team_member_key,
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
        _seq as raw_seq,
        {{ build_started_at() }} as built_at

    from payments_with_location

)

select * from final
