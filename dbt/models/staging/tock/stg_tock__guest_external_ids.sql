with guests as (

    select * from {{ ref('stg_tock__guests') }}

),

attributes as (

    select
        guests._source_instance,
        guests.guest_id,
        attribute.ordinal as attribute_position,
        {{ json_text('attribute.value', 'type') }} as attribute_type,
        {{ json_text('attribute.value', 'attribute') }} as attribute_name,
        {{ json_text('attribute.value', 'businessId') }} as business_id,
        -- ids are read as text: an intValue above 2^53 keeps its exact digits
        coalesce(
            nullif(trim({{ json_text('attribute.value', 'stringValue') }}), ''),
            {{ json_text('attribute.value', 'intValue') }}
        ) as external_id

    from guests
    {{ unnest_json_array('guests.attributes_json', 'attribute') }}

),

external_ids as (

    select
        _source_instance,
        guest_id,
        attribute_position,
        case
            when lower(attribute_name) like 'commerce7%' then 'commerce7'
            when lower(attribute_name) like 'square%' then 'square'
            when lower(attribute_name) like 'toast%' then 'toast'
            when lower(attribute_name) like 'shopify%' then 'shopify'
            when lower(attribute_name) like 'arrivy%' then 'arrivy'
            else lower(attribute_name)
        end as external_system,
        attribute_name,
        attribute_type,
        business_id,
        external_id

    from attributes
    where (upper(attribute_type) = 'EXTERNAL_ID' or lower(attribute_name) like '%id')
      and external_id is not null

)

select * from external_ids
