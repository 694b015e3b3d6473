{{ config(
    materialized='incremental',
    unique_key=['_source_instance', 'customer_id'],
    incremental_strategy=('merge' if target.type == 'bigquery' else 'delete+insert'),
    on_schema_change='append_new_columns',
    cluster_by=['_source_instance', 'customer_id'],
    post_hook="{{ ensure_indexes([['customer_id', '_source_instance'], ['_seq'], ['_built_at']]) }}",
    meta={'tests_on_rows_built_at': '_built_at'},
) }}

{#-
  Incremental, as stg_square__payments: a build reads only the raw versions loaded since the table's latest
  `_seq`, takes the latest of each key among them and the row the table already holds for that key, and
  replaces that row. A full refresh computes the same rows from every version.
-#}
{%- set columns = [
    'customer_id', 'customer_version', 'reference_id', 'given_name', 'family_name', 'full_name', 'nickname',
    'company_name', 'email_address', 'phone_number_raw', 'phone_number', 'birthday', 'note', 'address_line_1',
    'address_line_2', 'address_city', 'address_state', 'address_postal_code', 'address_country_code',
    'is_email_unsubscribed', 'creation_source', 'group_ids_json', 'segment_ids_json', 'created_at', 'updated_at',
    '_source_instance', '_seq', '_loaded_at',
] %}
{%- set latest_first = ['updated_at desc nulls last', 'customer_version desc nulls last', '_seq desc'] %}
{%- set watermark = incremental_watermark() %}

with customer_versions as (

    select * from {{ ref('base_square__customer_versions') }}
    {%- if watermark is not none %}
    where {{ raw_versions_since(watermark) }}
    {%- endif %}

),

latest_customer_versions as (

    {{ latest_version_per_key(
        'customer_versions',
        partition_by=['_source_instance', 'customer_id'],
        order_by=latest_first,
    ) }}

),

new_rows as (

    select {{ columns | join(', ') }}
    from latest_customer_versions

)

{%- if watermark is not none %}

{#- The new candidates and the row already held for their keys: the latest of them replaces that row. #}
, candidates as (  -- noqa: LT04, LT08

    select * from new_rows

    union all

    select {{ columns | join(', ') }}
    from {{ this }} as current_rows
    where exists (
        select 1
        from new_rows
        where new_rows._source_instance = current_rows._source_instance
            and new_rows.customer_id = current_rows.customer_id
    )

),

latest_candidates as (

    {{ latest_version_per_key('candidates', partition_by=['_source_instance', 'customer_id'], order_by=latest_first) }}

)

select *, {{ build_started_at() }} as _built_at from latest_candidates

{%- else %}

select *, {{ build_started_at() }} as _built_at from new_rows

{%- endif %}
