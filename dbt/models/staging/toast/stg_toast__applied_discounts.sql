{{ config(
    materialized='table',
    cluster_by=['_source_instance', 'order_guid'],
) }}

{#- Discounts applied to a whole check (selection_guid null) and to single selections, one row each. -#}

with checks as (

    select * from {{ ref('stg_toast__checks') }}

),

selections as (

    select * from {{ ref('stg_toast__selections') }}

),

check_discounts as (

    select
        checks._source_instance,
        checks.order_guid,
        checks.check_guid,
        cast(null as {{ dbt.type_string() }}) as selection_guid,
        'CHECK' as applied_to,
        applied_discount.ordinal as discount_position,
        applied_discount.value as applied_discount_json,
        checks._seq

    from checks
    {{ unnest_json_array('checks.applied_discounts_json', 'applied_discount') }}

),

selection_discounts as (

    select
        selections._source_instance,
        selections.order_guid,
        selections.check_guid,
        selections.selection_guid,
        'SELECTION' as applied_to,
        applied_discount.ordinal as discount_position,
        applied_discount.value as applied_discount_json,
        selections._seq

    from selections
    {{ unnest_json_array('selections.applied_discounts_json', 'applied_discount') }}

),

applied_discounts as (

    select * from check_discounts
    union all
    select * from selection_discounts

)

select
    _source_instance,
    order_guid,
    check_guid,
    selection_guid,
    applied_to,
    discount_position,
    {{ json_text('applied_discount_json', 'guid') }} as applied_discount_guid,
    {{ toast_reference('applied_discount_json', 'discount') }} as discount_guid,
    {{ collapse_whitespace(json_text('applied_discount_json', 'name')) }} as discount_name,
    {{ json_numeric('applied_discount_json', 'discountAmount') }} as discount_amount,
    _seq

from applied_discounts
