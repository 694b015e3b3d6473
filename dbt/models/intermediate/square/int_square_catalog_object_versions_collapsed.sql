{#-
  Columns whose change opens a new version: the catalog attributes (square_catalog_attributes). The catalog
  version number, timestamps and landing columns do not. Extend, not +: dbt parses unit tests with project
  macros undefined.
-#}
{%- set tracked_columns = [] %}
{%- do tracked_columns.extend(square_catalog_attributes()) %}

with catalog_object_versions as (

    select * from {{ ref('base_square__catalog_object_versions') }}

),

versions_with_validity as (

    select
        *,
        coalesce(updated_at, _loaded_at) as version_valid_from,
        {{ surrogate_key(tracked_columns) }} as tracked_columns_hash

    from catalog_object_versions

),

changed_versions as (

    -- The same variation seen at the same updated_at - as an object of its own and nested in its item, or
    -- nested in several versions of its item: the object of its own wins, then the last landed. Then
    -- consecutive versions with identical tracked columns collapse into the first of them.
    {{ collapse_unchanged_versions(
        'versions_with_validity',
        partition_by=['_source_instance', 'catalog_object_id'],
        instant_order_by=['case when is_nested_variation then 1 else 0 end', '_seq desc'],
    ) }}

),

collapsed_versions as (

    select
        _source_instance,
        catalog_object_id,
        {%- for column in tracked_columns %}
        {{ column }},
        {%- endfor %}
        catalog_version,
        created_at,
        updated_at,
        version_valid_from as valid_from,
        is_nested_variation,
        _seq,
        _loaded_at

    from changed_versions

)

select * from collapsed_versions
