with customer_versions as (

    select * from {{ ref('base_square__customer_versions') }}

),

latest_customer_versions as (

    {{ latest_version_per_key(
        'customer_versions',
        partition_by=['_source_instance', 'customer_id'],
        order_by=['updated_at desc nulls last', 'customer_version desc nulls last', '_seq desc'],
    ) }}

)

select
    customer_id,
    customer_version,
    reference_id,
    given_name,
    family_name,
    full_name,
    nickname,
    company_name,
    email_address,
    phone_number_raw,
    phone_number,
    birthday,
    note,
    address_line_1,
    address_line_2,
    address_city,
    address_state,
    address_postal_code,
    address_country_code,
    is_email_unsubscribed,
    creation_source,
    group_ids_json,
    segment_ids_json,
    created_at,
    updated_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_customer_versions
