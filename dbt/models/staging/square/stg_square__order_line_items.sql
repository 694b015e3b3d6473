{#- Square Money fields of an OrderLineItem -> (<name>_minor, <name>) column pairs. -#}
{%- set money_fields = [
    ('base_price_money', 'base_price'),
    ('variation_total_price_money', 'variation_total_price'),
    ('gross_sales_money', 'gross_sales'),
    ('total_discount_money', 'total_discount'),
    ('total_tax_money', 'total_tax'),
    ('total_money', 'total'),
] %}

{{ config(
    materialized='incremental',
    unique_key=(['_source_instance', 'order_id'] if target.type != 'bigquery' else ['_source_instance', 'order_id', 'line_item_position']),
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
  those orders, so a new order version's rows replace the old version's whole set (fewer lines, or none);
  the merge / delete+insert then only inserts. A full refresh computes the same rows from every order.
-#}
{%- set watermark = incremental_watermark() %}

with orders as (

    select * from {{ ref('stg_square__orders') }}
    {%- if watermark is not none %}
    where _seq > {{ watermark }}
    {%- endif %}

),

line_items as (

    select
        orders._source_instance,
        orders.order_id,
        line_item.ordinal as line_item_position,
        {{ json_text('line_item.value', 'uid') }} as line_item_uid,
        {{ collapse_whitespace(json_text('line_item.value', 'name')) }} as line_item_name,
        {{ collapse_whitespace(json_text('line_item.value', 'variation_name')) }} as variation_name,
        {{ json_text('line_item.value', 'item_type') }} as item_type,
        {{ json_text('line_item.value', 'catalog_object_id') }} as catalog_object_id,
        {{ json_integer('line_item.value', 'catalog_version') }} as catalog_version,
        {{ json_text('line_item.value', 'quantity') }} as quantity_raw,
        {{ text_to_numeric(json_text('line_item.value', 'quantity')) }} as quantity,
        coalesce(
            {{ square_currency('line_item.value', ['total_money', 'base_price_money', 'gross_sales_money']) }},
            orders.currency_code
        ) as currency_code,
        {%- for field, name in money_fields %}
        {{ json_integer('line_item.value', [field, 'amount']) }} as {{ name }}_minor,
        {%- endfor %}
        nullif(trim({{ json_text('line_item.value', 'note') }}), '') as note,
        {{ json_value('line_item.value', 'modifiers') }} as modifiers_json,
        orders._seq

    from orders
    {{ unnest_json_array('orders.line_items_json', 'line_item') }}

)

select
    _source_instance,
    order_id,
    line_item_position,
    line_item_uid,
    line_item_name,
    variation_name,
    item_type,
    catalog_object_id,
    catalog_version,
    quantity_raw,
    quantity,
    currency_code,
    {{ square_money_columns(money_fields | map(attribute=1) | list) }},
    note,
    modifiers_json,
    _seq,
    {{ build_started_at() }} as _built_at

from line_items
