{{ config(cluster_by=['source_instance', 'booking_id']) }}

with booking_team_members as (

    select * from {{ ref('stg_arrivy__booking_team_members') }}

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'booking_id', 'team_member_id']) }} as booking_team_member_key,
        {{ surrogate_key(['_source_instance', 'booking_id']) }} as booking_key,
        {{ surrogate_key(['_source_instance', 'team_member_id']) }} as team_member_key,
        _source_instance as source_instance,
        booking_id,
        team_member_id,

        -- place in the crew
        crew_position,
        count(*) over (partition by _source_instance, booking_id) as crew_size,
        -- share of the booking credited to each member, so sums over the bridge count each booking once
        1.0 / count(*) over (partition by _source_instance, booking_id) as allocation_weight

    from booking_team_members

)

select * from final
