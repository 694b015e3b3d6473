-- depends_on: {{ ref('stg_square__orders') }}
-- depends_on: {{ ref('stg_square__payments') }}
-- depends_on: {{ ref('stg_square__locations') }}
-- depends_on: {{ ref('stg_square__catalog_item_variations') }}
{{ config(
    materialized='incremental',
    unique_key=(['source_instance', 'order_id'] if target.type != 'bigquery' else ['source_instance', 'order_id', 'line_item_position']),
    incremental_strategy=('merge' if target.type == 'bigquery' else 'delete+insert'),
    partition_by={'field': 'sold_date', 'data_type': 'date', 'granularity': 'month'},
    on_schema_change='append_new_columns',
    cluster_by=['source_instance', 'order_id'],
    pre_hook="{{ delete_children_of_changed_orders(ref('stg_square__orders'), watermark_column='raw_seq', instance_column='source_instance') }}",
    post_hook="{{ ensure_indexes([['order_id', 'source_instance'], ['raw_seq'], ['payments_raw_seq'], ['built_at'], ['order_line_key']]) }}",
    meta={'tests_on_rows_built_at': 'built_at'},
) }}

{#-
  Incremental, by order: a build rebuilds the lines of the orders whose rows can have changed since the table
  was last built (square_orders_to_rebuild: a new or edited order or payment, a changed location time zone or
  catalog item). The pre-hook first deletes every line of the edited orders (a new version may have fewer
  lines); the merge / delete+insert replaces the rest. A full refresh computes the same rows from every order.
-#}
{%- set order_watermark = incremental_watermark('raw_seq') %}
{%- set payment_watermark = incremental_watermark('payments_raw_seq') if order_watermark is not none else none %}

with
{%- if order_watermark is not none %}

orders_to_rebuild as (

    {{ square_orders_to_rebuild(order_watermark, payment_watermark, 'catalog_object_id', 'catalog_item_id') }}

),
{%- endif %}

line_items as (

    select * from {{ ref('stg_square__order_line_items') }} as all_line_items
    {{ where_order_is_rebuilt('all_line_items', order_watermark) }}

),

orders as (

    select * from {{ ref('int_square_orders_attributed') }} as all_orders
    {{ where_order_is_rebuilt('all_orders', order_watermark) }}

),

modifiers as (

    select * from {{ ref('stg_square__order_line_item_modifiers') }} as all_modifiers
    {{ where_order_is_rebuilt('all_modifiers', order_watermark) }}

),

variations as (

    select * from {{ ref('stg_square__catalog_item_variations') }}

),

modifiers_per_line as (

    select
        _source_instance,
        order_id,
        line_item_position,
        count(*) as modifier_count,
        sum(sales_minor) as modifiers_total_minor

    from modifiers
    group by _source_instance, order_id, line_item_position

),

order_lines as (

    select
        line_items.*,
        orders.location_id,
        orders.attributed_customer_id as customer_id,
        orders.customer_attribution,
        orders.attributed_team_member_id as team_member_id,
        orders.order_state,
        orders.created_at as ordered_at,
        orders.closed_at,
        orders.sold_at,
        orders.sold_date,
        orders.time_zone,
        variations.catalog_item_id,
        coalesce(modifiers_per_line.modifier_count, 0) as modifier_count,
        coalesce(modifiers_per_line.modifiers_total_minor, 0) as modifiers_total_minor,
        orders.payments_seq

    from line_items
    inner join orders
        on line_items._source_instance = orders._source_instance
        and line_items.order_id = orders.order_id
    left join variations
        on line_items._source_instance = variations._source_instance
        and line_items.catalog_object_id = variations.catalog_variation_id
    left join modifiers_per_line
        on line_items._source_instance = modifiers_per_line._source_instance
        and line_items.order_id = modifiers_per_line.order_id
        and line_items.line_item_position = modifiers_per_line.line_item_position

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'order_id', 'line_item_position']) }} as order_line_key,
        {{ surrogate_key(['_source_instance', 'order_id']) }} as order_key,
        _source_instance as source_instance,
        order_id,
        line_item_position,
        line_item_uid,
        location_id,
        case
            when customer_id is not null then {{ surrogate_key(['_source_instance', 'customer_id']) }}
        end as customer_key,
        customer_id,
        customer_attribution,
        case
            when team_member_id is not null then {{ surrogate_key(['_source_instance', 'team_member_id']) }}
        end as team_member_key,
        team_member_id,
        catalog_object_id,
        catalog_item_id,

        -- descriptors
        line_item_name,
        variation_name,
        item_type,
        order_state,
        order_state = 'COMPLETED' as is_completed_order,

        -- quantities and money
        quantity,
        currency_code,
        {{ square_money_columns(['base_price', 'gross_sales', 'total_discount', 'total_tax', 'total']) }},
        modifier_count,
        {{ square_money_columns(['modifiers_total']) }},

        -- when
        ordered_at,
        closed_at,
        sold_at,
        time_zone,
        sold_date,

        -- lineage: load order of the order version and of the order's latest payment (what incremental builds compare)
        _seq as raw_seq,
        payments_seq as payments_raw_seq,
        {{ build_started_at() }} as built_at

    from order_lines

)

select * from final
