with guests as (

    select * from {{ ref('stg_tock__guests') }}

),

dietary_restrictions as (

    select
        guests._source_instance,
        guests.guest_id,
        restriction.ordinal as restriction_position,
        coalesce(
            {{ json_text('restriction.value', 'dietaryRestriction') }},
            {{ json_text('restriction.value', 'name') }},
            {{ json_scalar_text('restriction.value') }}
        ) as dietary_restriction,
        nullif(trim({{ json_text('restriction.value', 'note') }}), '') as note

    from guests
    {{ unnest_json_array('guests.dietary_restrictions_json', 'restriction') }}

)

select * from dietary_restrictions
