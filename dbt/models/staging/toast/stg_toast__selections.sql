{{ config(
    materialized='table',
    cluster_by=['_source_instance', 'order_guid'],
) }}

{#- Top-level selections (the items rung up on a check); their modifiers are in stg_toast__selection_modifiers. -#}

with checks as (

    select * from {{ ref('stg_toast__checks') }}

),

selections as (

    select
        checks._source_instance,
        checks.order_guid,
        checks.check_guid,
        selection.ordinal as selection_position,
        {{ json_text('selection.value', 'guid') }} as selection_guid,
        {{ toast_reference('selection.value', 'item') }} as menu_item_guid,
        {{ toast_reference('selection.value', 'itemGroup') }} as menu_group_guid,
        {{ toast_reference('selection.value', 'salesCategory') }} as sales_category_guid,
        {{ collapse_whitespace(json_text('selection.value', 'displayName')) }} as display_name,

        -- quantities and money: price is the total for the quantity, modifiers included, after discounts
        {{ json_numeric('selection.value', 'quantity') }} as quantity,
        {{ json_numeric('selection.value', 'price') }} as price,
        {{ json_numeric('selection.value', 'preDiscountPrice') }} as pre_discount_price,
        {{ json_numeric('selection.value', 'receiptLinePrice') }} as receipt_line_price,
        {{ json_numeric('selection.value', 'tax') }} as tax,

        -- voids
        coalesce({{ json_boolean('selection.value', 'voided') }}, false) as is_voided,
        {{ toast_timestamp('selection.value', 'voidDate') }} as voided_at,

        -- timestamps
        {{ toast_timestamp('selection.value', 'createdDate') }} as created_at,
        {{ toast_timestamp('selection.value', 'modifiedDate') }} as modified_at,

        -- nested arrays
        {{ json_value('selection.value', 'appliedDiscounts') }} as applied_discounts_json,
        {{ json_value('selection.value', 'modifiers') }} as modifiers_json,

        checks._seq

    from checks
    {{ unnest_json_array('checks.selections_json', 'selection') }}

)

select * from selections
