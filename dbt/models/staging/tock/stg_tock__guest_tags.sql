with guests as (

    select * from {{ ref('stg_tock__guests') }}

),

guest_tags as (

    select
        guests._source_instance,
        guests.guest_id,
        'guest' as tag_scope,
        cast(null as {{ dbt.type_string() }}) as business_id,
        0 as business_profile_position,
        tag.ordinal as tag_position,
        coalesce({{ json_scalar_text('tag.value') }}, {{ json_text('tag.value', 'name') }}) as tag

    from guests
    {{ unnest_json_array('guests.tags_json', 'tag') }}

),

business_tags as (

    select
        guests._source_instance,
        guests.guest_id,
        'business' as tag_scope,
        {{ json_text('business_profile.value', 'business.id') }} as business_id,
        business_profile.ordinal as business_profile_position,
        tag.ordinal as tag_position,
        coalesce({{ json_scalar_text('tag.value') }}, {{ json_text('tag.value', 'name') }}) as tag

    from guests
    {{ unnest_json_array('guests.business_guest_profiles_json', 'business_profile') }}
    {{ unnest_json_array(json_value('business_profile.value', 'tag'), 'tag') }}

),

tags as (

    select * from guest_tags
    union all
    select * from business_tags

)

select * from tags
