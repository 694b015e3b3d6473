-- depends_on: {{ ref('stg_square__orders') }}
-- depends_on: {{ ref('stg_square__payments') }}
-- depends_on: {{ ref('stg_square__locations') }}
-- depends_on: {{ ref('stg_square__catalog_item_variations') }}
{{ config(
    materialized='incremental',
    unique_key=(['source_instance', 'order_id'] if target.type != 'bigquery' else ['source_instance', 'order_id', 'line_item_position', 'modifier_position']),
    incremental_strategy=('merge' if target.type == 'bigquery' else 'delete+insert'),
    partition_by={'field': 'sold_date', 'data_type': 'date', 'granularity': 'month'},
    on_schema_change='append_new_columns',
    cluster_by=['source_instance', 'order_id'],
    pre_hook="{{ delete_children_of_changed_orders(ref('stg_square__orders'), watermark_column='raw_seq', instance_column='source_instance') }}",
    post_hook="{{ ensure_indexes([['order_id', 'source_instance'], ['raw_seq'], ['payments_raw_seq'], ['built_at']]) }}",
    meta={'tests_on_rows_built_at': 'built_at'},
) }}

{#-
  Incremental, by order, as fct_square_order_lines (square_orders_to_rebuild): the pre-hook deletes every
  modifier sale of the edited orders, the merge / delete+insert replaces those of the other orders to
  rebuild. A full refresh computes the same rows from every order.
-#}
{%- set order_watermark = incremental_watermark('raw_seq') %}
{%- set payment_watermark = incremental_watermark('payments_raw_seq') if order_watermark is not none else none %}

with
{%- if order_watermark is not none %}

orders_to_rebuild as (

    {{ square_orders_to_rebuild(order_watermark, payment_watermark, 'line_catalog_object_id', 'line_catalog_item_id') }}

),
{%- endif %}

modifiers as (

    select * from {{ ref('stg_square__order_line_item_modifiers') }} as all_modifiers
    {{ where_order_is_rebuilt('all_modifiers', order_watermark) }}

),

order_lines as (

    select * from {{ ref('fct_square_order_lines') }} as all_order_lines
    {{ where_order_is_rebuilt('all_order_lines', order_watermark, instance_column='source_instance') }}

),

modifier_sales as (

    select
        modifiers.*,
        order_lines.order_line_key,
        order_lines.order_key,
        order_lines.location_id,
        order_lines.customer_key,
        order_lines.customer_id,
        order_lines.team_member_key,
        order_lines.team_member_id,
        order_lines.catalog_object_id as line_catalog_object_id,
        order_lines.catalog_item_id as line_catalog_item_id,
        order_lines.line_item_name,
        order_lines.order_state,
        order_lines.is_completed_order,
        order_lines.sold_at,
        order_lines.time_zone,
        order_lines.sold_date,
        order_lines.payments_raw_seq

    from modifiers
    inner join order_lines
        on modifiers._source_instance = order_lines.source_instance
        and modifiers.order_id = order_lines.order_id
        and modifiers.line_item_position = order_lines.line_item_position

),

final as (

    select
        -- keys
        {{ surrogate_key(
            ['_source_instance', 'order_id', 'line_item_position', 'modifier_position']
        ) }} as modifier_sale_key,
        order_line_key,
        order_key,
        _source_instance as source_instance,
        order_id,
        line_item_position,
        modifier_position,
        modifier_uid,
        location_id,
        customer_key,
        customer_id,
        team_member_key,
        team_member_id,
        catalog_object_id,
        line_catalog_object_id,
        line_catalog_item_id,

        -- descriptors
        modifier_name,
        line_item_name,
        order_state,
        is_completed_order,

        -- quantities and money
        coalesce(quantity, 1) as modifier_quantity,
        line_quantity,
        quantity_sold,
        currency_code,
        base_price_minor,
        base_price,
        sales_minor,
        sales,

        -- when
        sold_at,
        time_zone,
        sold_date,

        -- lineage: load order of the order version and of the order's latest payment (what incremental builds compare)
        _seq as raw_seq,
        payments_raw_seq,
        {{ build_started_at() }} as built_at

    from modifier_sales

)

select * from final
