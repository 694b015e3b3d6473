with order_versions as (

    select * from {{ ref('base_square__order_versions') }}

),

latest_order_versions as (

    {{ latest_version_per_key(
        'order_versions',
        partition_by=['_source_instance', 'order_id'],
        order_by=['updated_at desc nulls last', 'order_version desc nulls last', '_seq desc'],
    ) }}

)

select
    order_id,
    order_version,
    location_id,
    customer_id,
    reference_id,
    order_state,
    source_name,
    ticket_name,
    currency_code,
    {{ square_money_columns(['total', 'total_tax', 'total_discount', 'total_tip', 'total_service_charge']) }},
    created_at,
    updated_at,
    closed_at,
    line_items_json,
    tenders_json,
    _source_instance,
    _seq,
    _loaded_at

from latest_order_versions
