{{ config(
    partition_by={'field': 'business_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['source_instance', 'order_guid'],
) }}

with selections as (

    select * from {{ ref('stg_toast__selections') }}

),

checks as (

    select * from {{ ref('stg_toast__checks') }}

),

orders as (

    select * from {{ ref('stg_toast__orders') }}

),

modifiers as (

    select * from {{ ref('stg_toast__selection_modifiers') }}

),

applied_discounts as (

    select * from {{ ref('stg_toast__applied_discounts') }}

),

modifiers_per_selection as (

    select
        _source_instance,
        order_guid,
        selection_guid,
        count(*) as modifier_count,
        max(depth) as modifier_depth,
        -- direct modifiers only: deeper ones are included in their parent modifier's price
        sum(case when depth = 1 and not is_voided then price else 0 end) as modifiers_price

    from modifiers
    group by _source_instance, order_guid, selection_guid

),

discounts_per_selection as (

    select
        _source_instance,
        order_guid,
        selection_guid,
        count(*) as discount_count,
        sum(discount_amount) as discount_amount

    from applied_discounts
    where selection_guid is not null
    group by _source_instance, order_guid, selection_guid

),

order_items as (

    select
        selections.*,
        orders.business_date,
        orders.opened_at as order_opened_at,
        orders.order_source,
        orders.dining_option_guid,
        orders.revenue_center_guid,
        orders.server_guid,
        orders.is_voided as is_order_voided,
        orders.is_deleted as is_order_deleted,
        checks.display_number as check_display_number,
        checks.payment_status as check_payment_status,
        checks.is_voided as is_check_voided,
        checks.is_deleted as is_check_deleted,
        checks.closed_at as check_closed_at,
        coalesce(modifiers_per_selection.modifier_count, 0) as modifier_count,
        coalesce(modifiers_per_selection.modifier_depth, 0) as modifier_depth,
        coalesce(modifiers_per_selection.modifiers_price, 0) as modifiers_price,
        coalesce(discounts_per_selection.discount_count, 0) as discount_count,
        coalesce(discounts_per_selection.discount_amount, 0) as discount_amount

    from selections
    inner join checks
        on selections._source_instance = checks._source_instance
        and selections.order_guid = checks.order_guid
        and selections.check_guid = checks.check_guid
    inner join orders
        on selections._source_instance = orders._source_instance
        and selections.order_guid = orders.order_guid
    left join modifiers_per_selection
        on selections._source_instance = modifiers_per_selection._source_instance
        and selections.order_guid = modifiers_per_selection.order_guid
        and selections.selection_guid = modifiers_per_selection.selection_guid
    left join discounts_per_selection
        on selections._source_instance = discounts_per_selection._source_instance
        and selections.order_guid = discounts_per_selection.order_guid
        and selections.selection_guid = discounts_per_selection.selection_guid

),

order_items_flagged as (

    select
        *,
        -- a sale counts unless the selection, its check or its order was voided or deleted
        not (  -- noqa: LT01, LT06
            is_voided or is_check_voided or is_check_deleted or is_order_voided or is_order_deleted
        ) as is_sale

    from order_items

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'order_guid', 'selection_guid']) }} as order_item_key,
        {{ surrogate_key(['_source_instance', 'order_guid']) }} as order_key,
        {{ surrogate_key(['_source_instance']) }} as restaurant_key,
        _source_instance as source_instance,
        order_guid,
        check_guid,
        selection_guid,
        selection_position,
        case
            when menu_item_guid is not null then {{ surrogate_key(['_source_instance', 'menu_item_guid']) }}
        end as menu_item_key,
        menu_item_guid,
        menu_group_guid,
        sales_category_guid,
        case
            when dining_option_guid is not null then {{ surrogate_key(['_source_instance', 'dining_option_guid']) }}
        end as dining_option_key,
        dining_option_guid,
        case
            when revenue_center_guid is not null then {{ surrogate_key(['_source_instance', 'revenue_center_guid']) }}
        end as revenue_center_key,
        revenue_center_guid,
        case
            when server_guid is not null then {{ surrogate_key(['_source_instance', 'server_guid']) }}
        end as server_employee_key,
        server_guid,

        -- descriptors
        display_name,
        order_source,
        check_display_number,
        check_payment_status,

        -- voids and deletions
        is_voided,
        is_check_voided,
        is_check_deleted,
        is_order_voided,
        is_order_deleted,
        is_sale,

        -- quantities and money (price: for the quantity, modifiers included, after discounts)
        quantity,
        price,
        pre_discount_price,
        receipt_line_price,
        tax,
        discount_count,
        discount_amount,
        modifier_count,
        modifier_depth,
        modifiers_price,
        case when is_sale then price else 0 end as net_sales_amount,
        case when is_sale then tax else 0 end as net_tax_amount,

        -- when
        business_date,
        order_opened_at,
        created_at,
        check_closed_at,
        voided_at

    from order_items_flagged

)

select * from final
