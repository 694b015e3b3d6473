with modifiers as (

    select * from {{ ref('stg_square__order_line_item_modifiers') }}

),

order_lines as (

    select * from {{ ref('fct_square_order_lines') }}

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
        order_lines.sold_date

    from modifiers
    inner join order_lines
        on modifiers._source_instance = order_lines.source_instance
        and modifiers.order_id = order_lines.order_id
        and modifiers.line_item_position = order_lines.line_item_position

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'order_id', 'line_item_position', 'modifier_position']) }} as modifier_sale_key,
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
        sold_date

    from modifier_sales

)

select * from final
