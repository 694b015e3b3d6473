with service_charge_versions as (

    select * from {{ ref('base_toast__service_charge_versions') }}

),

latest_service_charge_versions as (

    {{ latest_version_per_key(
        'service_charge_versions',
        partition_by=['_source_instance', 'service_charge_guid'],
        order_by=toast_version_order(),
    ) }}

)

select
    service_charge_guid,
    service_charge_name,
    amount_type,
    amount,
    percent,
    is_gratuity,
    is_taxable,
    modified_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_service_charge_versions
