with source as (

    select * from {{ fixture_backed_source('square', 'raw_square_locations') }}

),

location_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as location_id,
        {{ json_text('record', 'merchant_id') }} as merchant_id,

        -- descriptors
        {{ collapse_whitespace(json_text('record', 'name')) }} as location_name,
        {{ collapse_whitespace(json_text('record', 'business_name')) }} as business_name,
        {{ json_text('record', 'type') }} as location_type,
        {{ json_text('record', 'status') }} as location_status,
        {{ json_text('record', 'timezone') }} as time_zone,
        upper(trim({{ json_text('record', 'currency') }})) as currency_code,
        {{ json_text('record', 'country') }} as country_code,
        {{ json_text('record', 'language_code') }} as language_code,

        -- contact
        {{ clean_email(json_text('record', 'business_email')) }} as business_email,
        nullif(trim({{ json_text('record', 'phone_number') }}), '') as phone_number_raw,
        {{ phone_e164(json_text('record', 'phone_number')) }} as phone_number,
        {{ square_address_columns('record') }},

        -- timestamps
        {{ rfc3339_to_timestamp(json_text('record', 'created_at')) }} as created_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from location_versions
