with line_items as (

    select * from {{ ref('stg_square__order_line_items') }}

),

orders as (

    select * from {{ ref('int_square_orders_attributed') }}

),

modifiers as (

    select * from {{ ref('stg_square__order_line_item_modifiers') }}

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
        coalesce(modifiers_per_line.modifiers_total_minor, 0) as modifiers_total_minor

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
        case when customer_id is not null then {{ surrogate_key(['_source_instance', 'customer_id']) }} end as customer_key,
        customer_id,
        customer_attribution,
        case when team_member_id is not null then {{ surrogate_key(['_source_instance', 'team_member_id']) }} end as team_member_key,
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
        sold_date

    from order_lines

)

select * from final
