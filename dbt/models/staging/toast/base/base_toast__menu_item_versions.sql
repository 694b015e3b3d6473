with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_menu_items') }}

),

menu_item_versions as (

    select
        _source_instance,
        {{ json_text('record', 'guid') }} as menu_item_guid,
        {{ collapse_whitespace(json_text('record', 'name')) }} as menu_item_name,
        nullif(trim({{ json_text('record', 'plu') }}), '') as plu,
        nullif(trim({{ json_text('record', 'sku') }}), '') as sku,
        {{ json_text('record', 'visibility') }} as visibility,
        coalesce({{ json_boolean('record', 'orderableOnline') }}, false) as is_orderable_online,
        {{ json_numeric('record', 'price') }} as price,
        {{ toast_reference('record', 'salesCategory') }} as sales_category_guid,
        {{ toast_reference('record', 'menuGroup') }} as menu_group_guid,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,
        {{ raw_landing_columns() }}

    from source

)

select * from menu_item_versions
