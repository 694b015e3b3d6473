with booking_versions as (

    select * from {{ ref('base_square__booking_versions') }}

),

latest_booking_versions as (

    {{ latest_version_per_key(
        'booking_versions',
        partition_by=['_source_instance', 'booking_id'],
        order_by=['updated_at desc nulls last', 'booking_version desc nulls last', '_seq desc'],
    ) }}

)

select
    booking_id,
    booking_version,
    location_id,
    customer_id,
    booking_status,
    booking_source,
    location_type,
    creator_type,
    creator_team_member_id,
    customer_note,
    seller_note,
    transition_time_minutes,
    start_at,
    created_at,
    updated_at,
    appointment_segments_json,
    _source_instance,
    _seq,
    _loaded_at

from latest_booking_versions
