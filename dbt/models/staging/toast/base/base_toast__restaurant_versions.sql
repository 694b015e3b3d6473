with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_restaurants') }}

),

restaurant_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'guid') }} as restaurant_guid,
        {{ json_text('record', 'general.managementGroupGuid') }} as management_group_guid,

        -- general
        {{ collapse_whitespace(json_text('record', 'general.name')) }} as restaurant_name,
        {{ collapse_whitespace(json_text('record', 'general.locationName')) }} as location_name,
        nullif(trim({{ json_text('record', 'general.locationCode') }}), '') as location_code,
        nullif(trim({{ json_text('record', 'general.description') }}), '') as description,
        {{ json_text('record', 'general.timeZone') }} as time_zone,
        {{ json_integer('record', 'general.closeoutHour') }} as closeout_hour,
        upper(trim({{ json_text('record', 'general.currencyCode') }})) as currency_code,

        -- location
        nullif(trim({{ json_text('record', 'location.address1') }}), '') as address_line_1,
        nullif(trim({{ json_text('record', 'location.address2') }}), '') as address_line_2,
        nullif(trim({{ json_text('record', 'location.city') }}), '') as address_city,
        nullif(trim({{ json_text('record', 'location.stateCode') }}), '') as address_state,
        nullif(trim({{ json_text('record', 'location.zipCode') }}), '') as address_zip_code,
        nullif(trim({{ json_text('record', 'location.country') }}), '') as address_country,
        nullif(trim({{ json_text('record', 'location.phone') }}), '') as phone_number_raw,
        {{ phone_e164(json_text('record', 'location.phone')) }} as phone_number,
        cast({{ json_text('record', 'location.latitude') }} as {{ dbt.type_float() }}) as latitude,
        cast({{ json_text('record', 'location.longitude') }} as {{ dbt.type_float() }}) as longitude,

        -- timestamps
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from restaurant_versions
