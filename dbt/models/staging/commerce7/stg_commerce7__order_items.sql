with orders as (

    select * from {{ ref('stg_commerce7__orders') }}

),

order_items as (

    select
        -- keys
        orders._source_instance,
        orders.order_id,
        {{ json_text('item.value', 'id') }} as order_item_id,
        item.ordinal as item_position,
        {{ json_text('item.value', 'productId') }} as product_id,
        {{ json_text('item.value', 'productVariantId') }} as product_variant_id,

        -- product as sold
        {{ collapse_whitespace(json_text('item.value', 'sku')) }} as sku,
        {{ collapse_whitespace(json_text('item.value', 'productTitle')) }} as product_title,
        {{ collapse_whitespace(json_text('item.value', 'productVariantTitle')) }} as product_variant_title,
        {{ json_text('item.value', 'type') }} as product_type,
        {{ commerce7_integer('item.value', 'volumeInML') }} as volume_ml,

        -- quantities and money (cents; negative on a refund order)
        {{ commerce7_integer('item.value', 'quantity') }} as quantity,
        {{ commerce7_integer('item.value', 'price') }} as price_cents,
        {{ commerce7_integer('item.value', 'originalPrice') }} as original_price_cents,
        {{ commerce7_integer('item.value', 'tax') }} as tax_cents,

        -- the order
        orders.is_refund,
        orders.channel,
        orders.order_paid_at,
        orders._seq,
        orders._loaded_at

    from orders
    {{ unnest_json_array('orders.items_json', 'item') }}

)

select
    *,
    price_cents * quantity as line_total_cents

from order_items
