{{ config(
    materialized='incremental',
    unique_key=['_source_instance', 'payment_id'],
    incremental_strategy=('merge' if target.type == 'bigquery' else 'delete+insert'),
    partition_by={'field': 'created_at', 'data_type': 'timestamp', 'granularity': 'month'},
    on_schema_change='append_new_columns',
    cluster_by=['_source_instance', 'payment_id'],
    post_hook="{{ ensure_indexes([['payment_id', '_source_instance'], ['_seq'], ['order_id', '_source_instance'], ['_built_at']]) }}",
    meta={'tests_on_rows_built_at': '_built_at'},
) }}

{#-
  Incremental: a build reads only the raw versions loaded since the table's latest `_seq`, takes the latest
  of each key among them and the row the table already holds for that key, and replaces that row (merge on
  BigQuery, delete+insert on PostgreSQL). A full refresh computes the same rows from every version.
-#}
{%- set watermark = incremental_watermark() %}

with payment_versions as (

    select * from {{ ref('base_square__payment_versions') }}
    {%- if watermark is not none %}
    where {{ raw_versions_since(watermark) }}
    {%- endif %}

),

latest_payment_versions as (

    {#- An edited payment (approved -> completed, a tip added, a refund) lands again: the latest edit wins. -#}
    {{ latest_version_per_key(
        'payment_versions',
        partition_by=['_source_instance', 'payment_id'],
        order_by=['updated_at desc nulls last', '_seq desc'],
    ) }}

),

new_rows as (

    select
        payment_id,
        location_id,
        order_id,
        customer_id,
        team_member_id,
        version_token,
        payment_status,
        source_type,
        card_brand,
        card_entry_method,
        receipt_number,
        reference_id,
        note,
        buyer_email_address,
        currency_code,
        {{ square_money_columns(['amount', 'tip', 'total', 'approved', 'refunded', 'app_fee']) }},
        created_at,
        updated_at,
        _source_instance,
        _seq,
        _loaded_at

    from latest_payment_versions

)

{%- if watermark is not none %}

{#- The new candidates and the row already held for their keys: the latest of them replaces that row. #}
, candidates as (  -- noqa: LT04, LT08

    select * from new_rows

    union all

    select
        payment_id, location_id, order_id, customer_id, team_member_id, version_token, payment_status,
        source_type, card_brand, card_entry_method, receipt_number, reference_id, note, buyer_email_address,
        currency_code, amount_minor, amount, tip_minor, tip, total_minor, total, approved_minor, approved,
        refunded_minor, refunded, app_fee_minor, app_fee, created_at, updated_at, _source_instance, _seq,
        _loaded_at
    from {{ this }} as current_rows
    where exists (
        select 1
        from new_rows
        where new_rows._source_instance = current_rows._source_instance
            and new_rows.payment_id = current_rows.payment_id
    )

),

latest_candidates as (

    {{ latest_version_per_key(
        'candidates',
        partition_by=['_source_instance', 'payment_id'],
        order_by=['updated_at desc nulls last', '_seq desc'],
    ) }}

)

select *, {{ build_started_at() }} as _built_at from latest_candidates

{%- else %}

select *, {{ build_started_at() }} as _built_at from new_rows

{%- endif %}
