with restaurant_versions as (

    select * from {{ ref('base_toast__restaurant_versions') }}

),

latest_restaurant_versions as (

    {{ latest_version_per_key(
        'restaurant_versions',
        partition_by=['_source_instance', 'restaurant_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    restaurant_guid,
    restaurant_name,
    location_name,
    location_code,
    description,
    time_zone,
    closeout_hour,
    management_group_guid,
    currency_code,
    address_line_1,
    address_line_2,
    address_city,
    address_state,
    address_zip_code,
    address_country,
    phone_number_raw,
    phone_number,
    latitude,
    longitude,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_restaurant_versions
