{{ config(
    materialized='table',
    cluster_by=['_source_instance', 'order_guid'],
) }}

{#-
  Every modifier of every top-level selection, at any depth: Toast nests modifiers in modifiers (a burger's
  "add cheese", that cheese's "extra sharp", ...), each a Selection of its own whose price is included in its
  parent's. A recursive CTE walks the tree: depth 1 are the modifiers of the selection, depth 2 theirs, and
  so on. Each row keeps the top-level selection, its direct parent and its path of positions ('2.1.3': the
  third modifier of the first modifier of the selection's second modifier). Only the columns listed are read
  from stg_toast__selections, which keeps the unit test's input small.
-#}

with recursive selections as (

    select
        _source_instance,
        order_guid,
        check_guid,
        selection_guid,
        is_voided,
        modifiers_json,
        _seq
    from {{ ref('stg_toast__selections') }}

),

modifier_tree as (

    -- depth 1: the modifiers of each top-level selection
    select
        selections._source_instance,
        selections.order_guid,
        selections.check_guid,
        selections.selection_guid,
        selections.selection_guid as parent_selection_guid,
        1 as depth,
        modifier.ordinal as modifier_position,
        cast(modifier.ordinal as {{ dbt.type_string() }}) as modifier_path,
        selections.is_voided as is_ancestor_voided,
        modifier.value as modifier_json,
        selections._seq

    from selections
    {{ unnest_json_array('selections.modifiers_json', 'modifier') }}

    union all

    -- depth n + 1: the modifiers of each modifier found at depth n
    select
        modifier_tree._source_instance,
        modifier_tree.order_guid,
        modifier_tree.check_guid,
        modifier_tree.selection_guid,
        {{ json_text('modifier_tree.modifier_json', 'guid') }} as parent_selection_guid,
        modifier_tree.depth + 1 as depth,
        nested_modifier.ordinal as modifier_position,
        modifier_tree.modifier_path || '.' || cast(nested_modifier.ordinal as {{ dbt.type_string() }}) as modifier_path,
        modifier_tree.is_ancestor_voided
            or coalesce({{ json_boolean('modifier_tree.modifier_json', 'voided') }}, false) as is_ancestor_voided,
        nested_modifier.value as modifier_json,
        modifier_tree._seq

    from modifier_tree
    {{ unnest_json_array(json_value('modifier_tree.modifier_json', 'modifiers'), 'nested_modifier') }}

),

modifiers as (

    select
        _source_instance,
        order_guid,
        check_guid,
        selection_guid,
        parent_selection_guid,
        {{ json_text('modifier_json', 'guid') }} as modifier_guid,
        depth,
        modifier_position,
        modifier_path,
        {{ toast_reference('modifier_json', 'item') }} as menu_item_guid,
        {{ toast_reference('modifier_json', 'optionGroup') }} as option_group_guid,
        {{ toast_reference('modifier_json', 'salesCategory') }} as sales_category_guid,
        {{ collapse_whitespace(json_text('modifier_json', 'displayName')) }} as display_name,

        -- quantities and money (included in the parent's price)
        {{ json_numeric('modifier_json', 'quantity') }} as quantity,
        {{ json_numeric('modifier_json', 'price') }} as price,
        {{ json_numeric('modifier_json', 'preDiscountPrice') }} as pre_discount_price,
        {{ json_numeric('modifier_json', 'tax') }} as tax,

        -- voids: the modifier's own flag, and whether an ancestor (the selection or a parent modifier) is voided
        coalesce({{ json_boolean('modifier_json', 'voided') }}, false) as is_voided,
        is_ancestor_voided,
        {{ toast_timestamp('modifier_json', 'voidDate') }} as voided_at,

        -- timestamps
        {{ toast_timestamp('modifier_json', 'createdDate') }} as created_at,
        {{ toast_timestamp('modifier_json', 'modifiedDate') }} as modified_at,

        _seq

    from modifier_tree

)

select * from modifiers
