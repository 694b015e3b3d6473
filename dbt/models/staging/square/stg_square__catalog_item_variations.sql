with catalog_object_versions as (

    select * from {{ ref('base_square__catalog_object_versions') }}
    where object_type = 'ITEM_VARIATION'

),

latest_variation_versions as (

    {#- A variation landed as an object of its own wins over the same version nested in its item. -#}
    {{ latest_version_per_key(
        'catalog_object_versions',
        partition_by=['_source_instance', 'catalog_object_id'],
        order_by=[
            'updated_at desc nulls last',
            'catalog_version desc nulls last',
            'case when is_nested_variation then 1 else 0 end',
            '_seq desc',
        ],
    ) }}

)

select
    catalog_object_id as catalog_variation_id,
    item_id as catalog_item_id,
    object_name as variation_name,
    sku,
    pricing_type,
    currency_code,
    price_minor,
    price,
    service_duration_minutes,
    is_available_for_booking,
    is_deleted,
    catalog_version,
    created_at,
    updated_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_variation_versions
