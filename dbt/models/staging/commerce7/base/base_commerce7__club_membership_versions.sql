with source as (

    select * from {{ fixture_backed_source('commerce7', 'raw_commerce7_club_memberships') }}

),

club_membership_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as club_membership_id,
        {{ json_text('record', 'customerId') }} as customer_id,
        {{ json_text('record', 'clubId') }} as club_id,

        -- membership
        {{ collapse_whitespace(json_text('record', ['club', 'title'])) }} as club_title,
        {{ json_text('record', 'status') }} as status,
        {{ json_text('record', 'orderDeliveryMethod') }} as order_delivery_method,
        {{ collapse_whitespace(json_text('record', 'cancellationReason')) }} as cancellation_reason,
        {{ json_value('record', 'onHolds') }} as holds_json,

        -- times
        {{ commerce7_timestamp('record', 'signupDate') }} as signed_up_at,
        {{ commerce7_timestamp('record', 'cancelDate') }} as cancelled_at,
        {{ commerce7_timestamp('record', 'createdAt') }} as created_at,
        {{ commerce7_timestamp('record', 'updatedAt') }} as updated_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from club_membership_versions
