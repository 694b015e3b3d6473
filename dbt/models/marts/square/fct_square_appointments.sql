with bookings as (

    select * from {{ ref('stg_square__bookings') }}

),

segments as (

    select * from {{ ref('stg_square__booking_segments') }}

),

locations as (

    select * from {{ ref('stg_square__locations') }}

),

variations as (

    select * from {{ ref('stg_square__catalog_item_variations') }}

),

items as (

    select * from {{ ref('stg_square__catalog_items') }}

),

segments_with_offsets as (

    select
        *,
        -- Segments follow one another: each starts after the previous ones and their intermissions.
        coalesce(sum(coalesce(duration_minutes, 0) + intermission_minutes) over (
            partition by _source_instance, booking_id
            order by segment_position
            rows between unbounded preceding and 1 preceding
        ), 0) as minutes_before_segment

    from segments

),

appointments as (

    -- One row per appointment segment; a booking without segments keeps one row with no segment.
    select
        bookings.*,
        segments_with_offsets.segment_position,
        segments_with_offsets.team_member_id,
        segments_with_offsets.service_variation_id,
        segments_with_offsets.duration_minutes,
        segments_with_offsets.is_any_team_member,
        segments_with_offsets.minutes_before_segment,
        variations.catalog_item_id,
        variations.variation_name,
        items.item_name,
        coalesce(locations.time_zone, 'UTC') as time_zone

    from bookings
    left join segments_with_offsets
        on bookings._source_instance = segments_with_offsets._source_instance
        and bookings.booking_id = segments_with_offsets.booking_id
    left join locations
        on bookings._source_instance = locations._source_instance
        and bookings.location_id = locations.location_id
    left join variations
        on segments_with_offsets._source_instance = variations._source_instance
        and segments_with_offsets.service_variation_id = variations.catalog_variation_id
    left join items
        on variations._source_instance = items._source_instance
        and variations.catalog_item_id = items.catalog_item_id

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'booking_id', 'coalesce(segment_position, 0)']) }} as appointment_key,
        {{ surrogate_key(['_source_instance', 'booking_id']) }} as booking_key,
        _source_instance as source_instance,
        booking_id,
        coalesce(segment_position, 0) as segment_position,
        location_id,
        case
            when customer_id is not null then {{ surrogate_key(['_source_instance', 'customer_id']) }}
        end as customer_key,
        customer_id,
        case
            when team_member_id is not null then {{ surrogate_key(['_source_instance', 'team_member_id']) }}
        end as team_member_key,
        team_member_id,
        service_variation_id,
        catalog_item_id,

        -- descriptors
        coalesce(item_name, variation_name) as service_name,
        variation_name as service_variation_name,
        booking_status,
        booking_status in ('CANCELLED_BY_CUSTOMER', 'CANCELLED_BY_SELLER', 'DECLINED') as is_cancelled,
        booking_status = 'NO_SHOW' as is_no_show,
        -- Attended: accepted and already started (a future accepted booking is not a visit yet).
        coalesce(booking_status = 'ACCEPTED' and start_at <= {{ dbt.current_timestamp() }}, false) as is_attended,
        coalesce(is_any_team_member, false) as is_any_team_member,
        booking_source,
        creator_type,

        -- when
        start_at as booking_start_at,
        {{ timestamp_add_minutes('start_at', 'coalesce(minutes_before_segment, 0)') }} as start_at,
        {{ timestamp_add_minutes('start_at', 'coalesce(minutes_before_segment, 0) + duration_minutes') }} as end_at,
        duration_minutes,
        time_zone,
        -- The segment's own day: a later segment can start after local midnight.
        {{ timestamp_to_local_date(
            timestamp_add_minutes('start_at', 'coalesce(minutes_before_segment, 0)'), 'time_zone'
        ) }} as start_date,
        created_at,
        updated_at

    from appointments

)

select * from final
