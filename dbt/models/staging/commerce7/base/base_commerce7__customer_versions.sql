with source as (

    select * from {{ fixture_backed_source('commerce7', 'raw_commerce7_customers') }}

),

customer_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as customer_id,
        {{ collapse_whitespace(json_text('record', ['metaData', 'tock-patron-id'])) }} as tock_patron_id,

        -- person
        {{ clean_name(json_text('record', 'firstName')) }} as first_name,
        {{ clean_name(json_text('record', 'lastName')) }} as last_name,
        {{ clean_email(json_text('record', ['emails', 0, 'email'])) }} as email,
        {{ phone_e164(json_text('record', ['phones', 0, 'phone'])) }} as phone_number,
        {{ json_text('record', 'emailMarketingStatus') }} as email_marketing_status,

        -- address
        {{ collapse_whitespace(json_text('record', 'city')) }} as address_city,
        upper({{ collapse_whitespace(json_text('record', 'stateCode')) }}) as address_state_code,
        {{ collapse_whitespace(json_text('record', 'zipCode')) }} as address_postal_code,
        upper({{ collapse_whitespace(json_text('record', 'countryCode')) }}) as address_country_code,

        -- lists
        {{ json_value('record', 'emails') }} as emails_json,
        {{ json_value('record', 'phones') }} as phones_json,
        {{ json_value('record', 'groups') }} as groups_json,
        {{ json_value('record', 'metaData') }} as meta_data_json,

        -- times
        {{ commerce7_timestamp('record', 'createdAt') }} as created_at,
        {{ commerce7_timestamp('record', 'updatedAt') }} as updated_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from customer_versions
