with catalog_object_versions as (

    select * from {{ ref('int_square_catalog_object_versions_collapsed') }}

),

versions_with_validity as (

    select
        *,
        lead(valid_from) over (
            partition by _source_instance, catalog_object_id
            order by valid_from
        ) as valid_to

    from catalog_object_versions

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'catalog_object_id', timestamp_utc_text('valid_from')]) }}
            as catalog_object_version_key,
        {{ surrogate_key(['_source_instance', 'catalog_object_id']) }} as catalog_object_key,
        _source_instance as source_instance,
        catalog_object_id,

        -- attributes, as of this version
        {%- for column in square_catalog_attributes() %}
        {{ column }},
        {%- endfor %}
        catalog_version,
        created_at,
        updated_at,

        -- validity: [valid_from, valid_to)
        valid_from,
        valid_to,
        valid_to is null as is_current,

        -- lineage
        is_nested_variation as is_from_item_variations,
        _seq as raw_seq,
        _loaded_at as loaded_at

    from versions_with_validity

)

select * from final
