{{ config(
    materialized='incremental',
    unique_key=(['_source_instance', 'order_id'] if target.type != 'bigquery' else ['_source_instance', 'order_id', 'line_item_position', 'modifier_position']),
    incremental_strategy=('merge' if target.type == 'bigquery' else 'delete+insert'),
    on_schema_change='append_new_columns',
    cluster_by=['_source_instance', 'order_id'],
    post_hook="{{ ensure_indexes([['order_id', '_source_instance'], ['_seq'], ['_built_at']]) }}",
    meta={'tests_on_rows_built_at': '_built_at'},
    pre_hook="{{ delete_children_of_changed_orders(ref('stg_square__orders')) }}",
) }}

{#-
  Incremental, by order: a build unnests only the orders whose version changed since the table's latest
  `_seq` (the order version's load order, carried on every row). The pre-hook first deletes every row of
  those orders, so a new order version's rows replace the old version's whole set (fewer modifiers, or none);
  the merge / delete+insert then only inserts. A full refresh computes the same rows from every order.
-#}
{%- set watermark = incremental_watermark() %}

with line_items as (

    select * from {{ ref('stg_square__order_line_items') }}
    {%- if watermark is not none %}
    where _seq > {{ watermark }}
    {%- endif %}

),

modifiers as (

    select
        line_items._source_instance,
        line_items.order_id,
        line_items.line_item_position,
        line_items.line_item_uid,
        modifier.ordinal as modifier_position,
        {{ json_text('modifier.value', 'uid') }} as modifier_uid,
        {{ json_text('modifier.value', 'catalog_object_id') }} as catalog_object_id,
        {{ json_integer('modifier.value', 'catalog_version') }} as catalog_version,
        {{ collapse_whitespace(json_text('modifier.value', 'name')) }} as modifier_name,
        {{ json_text('modifier.value', 'quantity') }} as quantity_raw,
        {{ text_to_numeric(json_text('modifier.value', 'quantity')) }} as quantity,
        coalesce(
            {{ square_currency('modifier.value', ['total_price_money', 'base_price_money']) }},
            line_items.currency_code
        ) as currency_code,
        {{ json_integer('modifier.value', 'base_price_money.amount') }} as base_price_minor,
        {{ json_integer('modifier.value', 'total_price_money.amount') }} as total_price_minor,
        line_items.quantity as line_quantity,
        line_items._seq

    from line_items
    {{ unnest_json_array('line_items.modifiers_json', 'modifier') }}

),

modifiers_sold as (

    select
        *,
        -- A missing modifier quantity means one per unit of the line (Square's default).
        coalesce(quantity, 1) * line_quantity as quantity_sold

    from modifiers

),

modifiers_with_sales as (

    select
        *,
        -- total_price_money is the base price x modifier quantity x line quantity; computed so when absent.
        coalesce(
            total_price_minor,
            {{ round_to_bigint('base_price_minor * quantity_sold') }}
        ) as sales_minor

    from modifiers_sold

)

select
    _source_instance,
    order_id,
    line_item_position,
    line_item_uid,
    modifier_position,
    modifier_uid,
    catalog_object_id,
    catalog_version,
    modifier_name,
    quantity_raw,
    quantity,
    line_quantity,
    quantity_sold,
    currency_code,
    {{ square_money_columns(['base_price', 'total_price', 'sales']) }},
    _seq,
    {{ build_started_at() }} as _built_at

from modifiers_with_sales
