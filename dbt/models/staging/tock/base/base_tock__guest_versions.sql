with source as (

    select * from {{ fixture_backed_source('tock', 'raw_tock_guest') }}

),

guest_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'patron.id') }} as guest_id,
        {{ json_text('record', 'id') }} as guest_profile_id,
        {{ json_text('record', 'nextGuestProfileId') }} as next_guest_profile_id,
        {{ json_text('record', 'businessGroupId') }} as business_group_id,

        -- person
        {{ json_text('record', 'patron.firstName') }} as first_name,
        {{ json_text('record', 'patron.lastName') }} as last_name,
        lower(nullif(trim({{ json_text('record', 'patron.email') }}), '')) as email,
        nullif(trim(coalesce(
            {{ json_text('record', 'patron.phone') }},
            {{ json_text('record', ['phone', 0, 'phone']) }}
        )), '') as phone,
        coalesce(
            {{ json_text('record', 'patron.phoneCountryCode') }},
            {{ json_text('record', ['phone', 0, 'phoneCountryCode']) }}
        ) as phone_country_code,
        nullif(trim({{ json_text('record', 'patron.zipCode') }}), '') as zip_code,
        {{ json_text('record', 'patron.isoCountryCode') }} as iso_country_code,

        -- postal address (the optional address block)
        nullif(trim({{ json_text('record', 'address.address1') }}), '') as address_line_1,
        nullif(trim({{ json_text('record', 'address.address2') }}), '') as address_line_2,
        nullif(trim({{ json_text('record', 'address.city') }}), '') as address_city,
        nullif(trim({{ json_text('record', 'address.state') }}), '') as address_state,
        nullif(trim({{ json_text('record', 'address.country') }}), '') as address_country,
        nullif(trim({{ json_text('record', 'address.zipCode') }}), '') as address_zip_code,

        -- consent and status
        {{ json_text('record', 'optInSource') }} as opt_in_source,
        {{ json_boolean('record', 'isTockVerified') }} as is_tock_verified,
        coalesce({{ json_boolean('record', 'isArchived') }}, false) as is_archived,
        {{ json_text('record', 'nextGuestProfileId') }} is not null as is_superseded,

        -- timestamps
        {{ epoch_ms_to_timestamp(json_numeric('record', 'createdAtTimestamp')) }} as created_at,
        {{ epoch_ms_to_timestamp(json_numeric('record', 'updatedAtTimestamp')) }} as updated_at,

        -- nested arrays, unnested by the stg_tock__guest_* models
        {{ json_value('record', 'patronProfileDietaryRestriction') }} as dietary_restrictions_json,
        {{ json_value('record', 'patronProfileHospitalityPreference') }} as hospitality_preferences_json,
        {{ json_value('record', 'tag') }} as tags_json,
        {{ json_value('record', 'businessGuestProfile') }} as business_guest_profiles_json,
        {{ json_value('record', 'attribute') }} as attributes_json,

        -- landing metadata
        _seq,
        _key,
        _hash,
        _origin,
        _loaded_at,
        _run_id

    from source

)

select * from guest_versions
