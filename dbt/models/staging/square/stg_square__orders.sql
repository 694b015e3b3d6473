{{ config(
    materialized='incremental',
    unique_key=['_source_instance', 'order_id'],
    incremental_strategy=('merge' if target.type == 'bigquery' else 'delete+insert'),
    partition_by={'field': 'created_at', 'data_type': 'timestamp', 'granularity': 'month'},
    on_schema_change='append_new_columns',
    cluster_by=['_source_instance', 'order_id'],
    post_hook="{{ ensure_indexes([['order_id', '_source_instance'], ['_seq'], ['_built_at']]) }}",
    meta={'tests_on_rows_built_at': '_built_at'},
) }}

{#-
  Incremental: a build reads only the raw versions loaded since the table's latest `_seq`, takes the latest
  of each key among them and the row the table already holds for that key, and replaces that row (merge on
  BigQuery, delete+insert on PostgreSQL). A full refresh computes the same rows from every version.
-#}
{%- set watermark = incremental_watermark() %}

with order_versions as (

    select * from {{ ref('base_square__order_versions') }}
    {%- if watermark is not none %}
    where {{ raw_versions_since(watermark) }}
    {%- endif %}

),

latest_order_versions as (

    {{ latest_version_per_key(
        'order_versions',
        partition_by=['_source_instance', 'order_id'],
        order_by=['updated_at desc nulls last', 'order_version desc nulls last', '_seq desc'],
    ) }}

),

new_rows as (

    select
        order_id,
        order_version,
        location_id,
        customer_id,
        reference_id,
        order_state,
        source_name,
        ticket_name,
        currency_code,
        {{ square_money_columns(['total', 'total_tax', 'total_discount', 'total_tip', 'total_service_charge']) }},
        created_at,
        updated_at,
        closed_at,
        line_items_json,
        tenders_json,
        _source_instance,
        _seq,
        _loaded_at

    from latest_order_versions

)

{%- if watermark is not none %}

{#- The new candidates and the row already held for their keys: the latest of them replaces that row. #}
, candidates as (  -- noqa: LT04, LT08

    select * from new_rows

    union all

    select
        order_id, order_version, location_id, customer_id, reference_id, order_state, source_name,
        ticket_name, currency_code, total_minor, total, total_tax_minor, total_tax, total_discount_minor,
        total_discount, total_tip_minor, total_tip, total_service_charge_minor, total_service_charge,
        created_at, updated_at, closed_at, line_items_json, tenders_json, _source_instance, _seq, _loaded_at
    from {{ this }} as current_rows
    where exists (
        select 1
        from new_rows
        where new_rows._source_instance = current_rows._source_instance
            and new_rows.order_id = current_rows.order_id
    )

),

latest_candidates as (

    {{ latest_version_per_key(
        'candidates',
        partition_by=['_source_instance', 'order_id'],
        order_by=['updated_at desc nulls last', 'order_version desc nulls last', '_seq desc'],
    ) }}

)

select *, {{ build_started_at() }} as _built_at from latest_candidates

{%- else %}

select *, {{ build_started_at() }} as _built_at from new_rows

{%- endif %}
