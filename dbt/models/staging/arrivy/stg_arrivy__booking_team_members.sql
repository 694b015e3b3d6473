with bookings as (

    select * from {{ ref('stg_arrivy__bookings') }}

),

crew_entries as (

    select
        bookings._source_instance,
        bookings.booking_id,
        {{ json_scalar_text('crew.value') }} as team_member_id,
        crew.ordinal

    from bookings
    {{ unnest_json_array('bookings.entity_ids_json', 'crew') }}

),

booking_team_members as (

    -- A team member listed twice on one task counts once, at the first place.
    select
        _source_instance,
        booking_id,
        team_member_id,
        min(ordinal) as crew_position

    from crew_entries
    where team_member_id is not null
    group by _source_instance, booking_id, team_member_id

)

select * from booking_team_members
