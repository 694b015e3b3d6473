{#-
  Every version of every catalog object: one row per raw_square_catalog_objects row, plus one row per
  variation nested in an ITEM version's item_data.variations[] (Square returns an item's variations inside
  it; an extractor may land them as objects of their own too, and staging and the SCD2 prefer those).
-#}
with source as (

    select * from {{ fixture_backed_source('square', 'raw_square_catalog_objects') }}

),

catalog_objects as (

    select
        _source_instance,
        {{ square_catalog_object_columns('record') }},
        false as is_nested_variation,
        {{ raw_landing_columns() }}

    from source

),

nested_variations as (

    select
        source._source_instance,
        {{ square_catalog_object_columns('variation.value', parent_item='source.record') }},
        true as is_nested_variation,
        {{ raw_landing_columns('source') }}

    from source
    {{ unnest_json_array(json_value('source.record', 'item_data.variations'), 'variation') }}
    where {{ json_text('variation.value', 'id') }} is not null

),

catalog_object_versions as (

    select * from catalog_objects
    union all
    select * from nested_variations

)

select * from catalog_object_versions
