with source as (

    select * from {{ fixture_backed_source('commerce7', 'raw_commerce7_orders') }}

),

order_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as order_id,
        {{ commerce7_integer('record', 'orderNumber') }} as order_number,
        {{ json_text('record', 'customerId') }} as customer_id,
        {{ json_text('record', 'previousOrderId') }} as previous_order_id,
        {{ json_text('record', 'refundOrderId') }} as refund_order_id,
        {{ json_text('record', ['club', 'clubId']) }} as club_id,

        -- what kind of sale
        {{ json_text('record', 'previousOrderId') }} is not null as is_refund,
        {{ json_text('record', 'channel') }} as channel,
        {{ json_text('record', 'orderDeliveryMethod') }} as order_delivery_method,
        {{ json_text('record', 'paymentStatus') }} as payment_status,
        {{ json_text('record', 'fulfillmentStatus') }} as fulfillment_status,

        -- money (cents; negative on a refund order)
        {{ commerce7_integer('record', 'subTotal') }} as sub_total_cents,
        {{ commerce7_integer('record', 'shipTotal') }} as ship_total_cents,
        {{ commerce7_integer('record', 'taxTotal') }} as tax_total_cents,
        {{ commerce7_integer('record', 'tipTotal') }} as tip_total_cents,
        {{ commerce7_integer('record', 'total') }} as total_cents,
        {{ commerce7_integer('record', 'totalAfterTip') }} as total_after_tip_cents,

        -- parts
        {{ json_value('record', 'items') }} as items_json,
        {{ json_value('record', 'tenders') }} as tenders_json,
        {{ json_value('record', 'promotions') }} as promotions_json,
        {{ json_value('record', 'billTo') }} as bill_to_json,
        {{ json_value('record', 'shipTo') }} as ship_to_json,

        -- times
        {{ commerce7_timestamp('record', 'orderSubmittedDate') }} as order_submitted_at,
        {{ json_text('record', 'orderSubmittedDate') }} as order_submitted_date_raw,
        {{ commerce7_timestamp('record', 'orderPaidDate') }} as order_paid_at,
        {{ commerce7_timestamp('record', 'createdAt') }} as created_at,
        {{ commerce7_timestamp('record', 'updatedAt') }} as updated_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from order_versions
