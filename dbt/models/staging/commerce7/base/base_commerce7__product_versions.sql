with source as (

    select * from {{ fixture_backed_source('commerce7', 'raw_commerce7_products') }}

),

product_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as product_id,

        -- product
        {{ collapse_whitespace(json_text('record', 'title')) }} as title,
        {{ json_text('record', 'slug') }} as slug,
        {{ json_text('record', 'type') }} as product_type,
        {{ json_text('record', 'webStatus') }} as web_status,
        {{ json_text('record', 'adminStatus') }} as admin_status,

        -- wine
        {{ commerce7_integer('record', ['wine', 'vintage']) }} as wine_vintage,
        {{ json_text('record', ['wine', 'varietal']) }} as wine_varietal,
        {{ json_text('record', ['wine', 'type']) }} as wine_type,
        {{ json_text('record', ['wine', 'region']) }} as wine_region,

        -- variants (sizes, each with its SKU and price)
        {{ json_value('record', 'variants') }} as variants_json,

        -- times
        {{ commerce7_timestamp('record', 'createdAt') }} as created_at,
        {{ commerce7_timestamp('record', 'updatedAt') }} as updated_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from product_versions
