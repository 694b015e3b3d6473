with club_memberships as (

    select * from {{ ref('stg_commerce7__club_memberships') }}

),

club_membership_holds as (

    select
        -- keys
        club_memberships._source_instance,
        club_memberships.club_membership_id,
        {{ json_text('hold.value', 'id') }} as hold_id,
        hold.ordinal as hold_position,
        club_memberships.customer_id,
        club_memberships.club_id,

        -- the hold
        {{ commerce7_timestamp('hold.value', 'onHoldStartDate') }} as hold_starts_at,
        {{ commerce7_timestamp('hold.value', 'onHoldEndDate') }} as hold_ends_at,
        {{ collapse_whitespace(json_text('hold.value', 'reason')) }} as hold_reason,

        -- the membership's version
        club_memberships._seq,
        club_memberships._loaded_at

    from club_memberships
    {{ unnest_json_array('club_memberships.holds_json', 'hold') }}

)

select * from club_membership_holds
