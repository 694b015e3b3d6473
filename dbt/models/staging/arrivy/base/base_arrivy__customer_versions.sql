with source as (

    {{ arrivy_versions_with_deletions(fixture_backed_source('arrivy', 'raw_arrivy_customers')) }}

),

customer_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as customer_id,
        {{ json_text('record', 'owner') }} as owner_id,

        -- person
        {{ clean_name(json_text('record', 'first_name')) }} as first_name,
        {{ clean_name(json_text('record', 'last_name')) }} as last_name,
        {{ collapse_whitespace(json_text('record', 'company_name')) }} as company_name,
        {{ clean_email(json_text('record', 'email')) }} as email,
        nullif(trim({{ json_text('record', 'mobile_number') }}), '') as mobile_number_raw,
        {{ phone_e164(json_text('record', 'mobile_number')) }} as mobile_number,
        nullif(trim({{ json_text('record', 'phone') }}), '') as phone_number_raw,
        {{ phone_e164(json_text('record', 'phone')) }} as phone_number,

        -- address
        {{ collapse_whitespace(json_text('record', 'address_line_1')) }} as address_line_1,
        {{ collapse_whitespace(json_text('record', 'address_line_2')) }} as address_line_2,
        {{ collapse_whitespace(json_text('record', 'city')) }} as address_city,
        {{ collapse_whitespace(json_text('record', 'state')) }} as address_state,
        {{ collapse_whitespace(json_text('record', 'zipcode')) }} as address_postal_code,
        upper({{ collapse_whitespace(json_text('record', 'country')) }}) as address_country_code,
        {{ json_numeric('record', 'exact_location.lat') }} as latitude,
        {{ json_numeric('record', 'exact_location.lng') }} as longitude,

        -- other
        {{ collapse_whitespace(json_text('record', 'notes')) }} as notes,
        {{ collapse_whitespace(json_text('record', 'external_id')) }} as external_id,
        {{ json_value('record', 'extra_fields') }} as extra_fields_json,

        -- deletion
        is_deleted,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select
    *,
    {{ collapse_whitespace("coalesce(first_name, '') || ' ' || coalesce(last_name, '')") }} as full_name

from customer_versions
