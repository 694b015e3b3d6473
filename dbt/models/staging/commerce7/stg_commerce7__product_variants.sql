with products as (

    select * from {{ ref('stg_commerce7__products') }}

),

product_variants as (

    select
        -- keys
        products._source_instance,
        products.product_id,
        {{ json_text('variant.value', 'id') }} as product_variant_id,
        variant.ordinal as variant_position,

        -- the variant
        {{ collapse_whitespace(json_text('variant.value', 'title')) }} as variant_title,
        {{ collapse_whitespace(json_text('variant.value', 'sku')) }} as sku,
        {{ commerce7_integer('variant.value', 'volumeInML') }} as volume_ml,
        {{ commerce7_integer('variant.value', 'price') }} as price_cents,
        {{ commerce7_integer('variant.value', 'costOfGood') }} as cost_of_good_cents,

        -- the product's version
        products._seq,
        products._loaded_at

    from products
    {{ unnest_json_array('products.variants_json', 'variant') }}

)

select * from product_variants
