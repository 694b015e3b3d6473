{{ config(
    materialized='table',
    cluster_by=['_source_instance', 'order_guid'],
) }}

with checks as (

    select * from {{ ref('stg_toast__checks') }}

),

applied_service_charges as (

    select
        checks._source_instance,
        checks.order_guid,
        checks.check_guid,
        applied_service_charge.ordinal as service_charge_position,
        {{ json_text('applied_service_charge.value', 'guid') }} as applied_service_charge_guid,
        {{ toast_reference('applied_service_charge.value', 'serviceCharge') }} as service_charge_guid,
        {{ collapse_whitespace(json_text('applied_service_charge.value', 'name')) }} as service_charge_name,
        {{ json_numeric('applied_service_charge.value', 'chargeAmount') }} as charge_amount,
        coalesce({{ json_boolean('applied_service_charge.value', 'gratuity') }}, false) as is_gratuity,
        checks._seq

    from checks
    {{ unnest_json_array('checks.applied_service_charges_json', 'applied_service_charge') }}

)

select * from applied_service_charges
