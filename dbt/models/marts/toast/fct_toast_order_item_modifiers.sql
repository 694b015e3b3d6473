{{ config(
    partition_by={'field': 'business_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['source_instance', 'order_guid'],
) }}

with modifiers as (

    select * from {{ ref('stg_toast__selection_modifiers') }}

),

checks as (

    select * from {{ ref('stg_toast__checks') }}

),

orders as (

    select * from {{ ref('stg_toast__orders') }}

),

order_item_modifiers as (

    select
        modifiers.*,
        orders.business_date,
        orders.is_voided as is_order_voided,
        orders.is_deleted as is_order_deleted,
        checks.is_voided as is_check_voided,
        checks.is_deleted as is_check_deleted

    from modifiers
    inner join checks
        on modifiers._source_instance = checks._source_instance
        and modifiers.order_guid = checks.order_guid
        and modifiers.check_guid = checks.check_guid
    inner join orders
        on modifiers._source_instance = orders._source_instance
        and modifiers.order_guid = orders.order_guid

),

final as (

    select
        -- keys
        {{ surrogate_key(
            ['_source_instance', 'order_guid', 'selection_guid', 'modifier_path']
        ) }} as order_item_modifier_key,
        {{ surrogate_key(['_source_instance', 'order_guid', 'selection_guid']) }} as order_item_key,
        {{ surrogate_key(['_source_instance', 'order_guid']) }} as order_key,
        {{ surrogate_key(['_source_instance']) }} as restaurant_key,
        _source_instance as source_instance,
        order_guid,
        check_guid,
        selection_guid,
        parent_selection_guid,
        modifier_guid,
        case
            when menu_item_guid is not null then {{ surrogate_key(['_source_instance', 'menu_item_guid']) }}
        end as menu_item_key,
        menu_item_guid,
        option_group_guid,
        sales_category_guid,

        -- place in the tree
        depth,
        modifier_position,
        modifier_path,

        -- descriptors
        display_name,

        -- voids and deletions
        is_voided,
        is_ancestor_voided,
        is_check_voided,
        is_check_deleted,
        is_order_voided,
        is_order_deleted,
        not (  -- noqa: LT01, LT06
            is_voided or is_ancestor_voided or is_check_voided or is_check_deleted
            or is_order_voided or is_order_deleted
        ) as is_sale,

        -- quantities and money (included in the parent's price: never add them to the order items' price)
        quantity,
        price,
        pre_discount_price,
        tax,

        -- when
        business_date,
        created_at,
        voided_at

    from order_item_modifiers

)

select * from final
