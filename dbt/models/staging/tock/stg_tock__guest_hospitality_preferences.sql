with guests as (

    select * from {{ ref('stg_tock__guests') }}

),

hospitality_preferences as (

    select
        guests._source_instance,
        guests.guest_id,
        preference.ordinal as preference_position,
        coalesce(
            {{ json_text('preference.value', 'hospitalityPreference') }},
            {{ json_text('preference.value', 'name') }},
            {{ json_scalar_text('preference.value') }}
        ) as hospitality_preference,
        nullif(trim({{ json_text('preference.value', 'note') }}), '') as note

    from guests
    {{ unnest_json_array('guests.hospitality_preferences_json', 'preference') }}

)

select * from hospitality_preferences
