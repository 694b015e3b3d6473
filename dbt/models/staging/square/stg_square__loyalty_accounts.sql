with loyalty_account_versions as (

    select * from {{ ref('base_square__loyalty_account_versions') }}

),

latest_loyalty_account_versions as (

    {{ latest_version_per_key(
        'loyalty_account_versions',
        partition_by=['_source_instance', 'loyalty_account_id'],
        order_by=['updated_at desc nulls last', '_seq desc'],
    ) }}

)

select
    loyalty_account_id,
    program_id,
    customer_id,
    points_balance,
    lifetime_points,
    phone_number_raw,
    phone_number,
    enrolled_at,
    created_at,
    updated_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_loyalty_account_versions
