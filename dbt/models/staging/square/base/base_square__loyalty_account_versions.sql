with source as (

    select * from {{ fixture_backed_source('square', 'raw_square_loyalty_accounts') }}

),

loyalty_account_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as loyalty_account_id,
        {{ json_text('record', 'program_id') }} as program_id,
        {{ json_text('record', 'customer_id') }} as customer_id,

        -- points
        {{ json_integer('record', 'balance') }} as points_balance,
        {{ json_integer('record', 'lifetime_points') }} as lifetime_points,

        -- the phone number the account is mapped to
        nullif(trim({{ json_text('record', 'mapping.phone_number') }}), '') as phone_number_raw,
        {{ phone_e164(json_text('record', 'mapping.phone_number')) }} as phone_number,

        -- timestamps
        {{ rfc3339_to_timestamp(json_text('record', 'enrolled_at')) }} as enrolled_at,
        {{ rfc3339_to_timestamp(json_text('record', 'created_at')) }} as created_at,
        {{ rfc3339_to_timestamp(json_text('record', 'updated_at')) }} as updated_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from loyalty_account_versions
