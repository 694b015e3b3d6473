with bookings as (

    select * from {{ ref('stg_square__bookings') }}

),

segments as (

    select
        bookings._source_instance,
        bookings.booking_id,
        segment.ordinal as segment_position,
        {{ json_text('segment.value', 'team_member_id') }} as team_member_id,
        {{ json_text('segment.value', 'service_variation_id') }} as service_variation_id,
        {{ json_integer('segment.value', 'service_variation_version') }} as service_variation_version,
        {{ json_integer('segment.value', 'duration_minutes') }} as duration_minutes,
        coalesce({{ json_integer('segment.value', 'intermission_minutes') }}, 0) as intermission_minutes,
        coalesce({{ json_boolean('segment.value', 'any_team_member') }}, false) as is_any_team_member

    from bookings
    {{ unnest_json_array('bookings.appointment_segments_json', 'segment') }}

)

select * from segments
