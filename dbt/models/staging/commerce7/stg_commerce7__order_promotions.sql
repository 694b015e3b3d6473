with orders as (

    select * from {{ ref('stg_commerce7__orders') }}

),

order_promotions as (

    select
        -- keys
        orders._source_instance,
        orders.order_id,
        {{ json_text('promotion.value', 'id') }} as order_promotion_id,
        promotion.ordinal as promotion_position,
        {{ json_text('promotion.value', 'promotionId') }} as promotion_id,

        -- the promotion as applied
        {{ collapse_whitespace(json_text('promotion.value', 'title')) }} as promotion_title,
        {{ commerce7_integer('promotion.value', 'productValue') }} as product_value_cents,

        -- the order
        orders.is_refund,
        orders._seq,
        orders._loaded_at

    from orders
    {{ unnest_json_array('orders.promotions_json', 'promotion') }}

)

select * from order_promotions
