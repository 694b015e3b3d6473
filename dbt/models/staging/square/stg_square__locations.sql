with location_versions as (

    select * from {{ ref('base_square__location_versions') }}

),

latest_location_versions as (

    {#- Location objects carry no updated_at: the latest load wins. -#}
    {{ latest_version_per_key(
        'location_versions',
        partition_by=['_source_instance', 'location_id'],
        order_by=['_seq desc'],
    ) }}

)

select
    location_id,
    merchant_id,
    location_name,
    business_name,
    location_type,
    location_status,
    time_zone,
    currency_code,
    country_code,
    language_code,
    business_email,
    phone_number_raw,
    phone_number,
    address_line_1,
    address_line_2,
    address_city,
    address_state,
    address_postal_code,
    address_country_code,
    created_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_location_versions
