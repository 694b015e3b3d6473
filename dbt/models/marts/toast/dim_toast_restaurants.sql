{{ config(cluster_by=['source_instance', 'restaurant_guid']) }}

{#-
  Columns whose change opens a new version: toast_restaurant_attributes(). modifiedDate alone and the
  landing columns do not. Extend, not +: dbt parses unit tests with project macros undefined, and an undefined
  value can be iterated but not added to.
-#}
{%- set tracked_columns = [] %}
{%- do tracked_columns.extend(toast_restaurant_attributes()) %}

with restaurant_versions as (

    select * from {{ ref('base_toast__restaurant_versions') }}

),

versions_with_validity as (

    select
        *,
        -- a version takes effect at its modifiedDate, or when it landed if Toast sent none
        coalesce(modified_at, _loaded_at) as version_valid_from,
        {{ surrogate_key(tracked_columns) }} as tracked_columns_hash

    from restaurant_versions

),

changed_versions as (

    -- Versions sharing a valid_from: the last landed wins. Then consecutive versions with identical tracked
    -- columns collapse into the first of them.
    {{ collapse_unchanged_versions(
        'versions_with_validity',
        partition_by=['_source_instance', 'restaurant_guid'],
        instant_order_by=['_seq desc'],
    ) }}

),

versions_with_valid_to as (

    select
        *,
        lead(version_valid_from) over (
            partition by _source_instance, restaurant_guid
            order by version_valid_from
        ) as valid_to

    from changed_versions

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'restaurant_guid', 'version_valid_from']) }} as restaurant_version_key,
        -- the restaurant is the source instance: facts key it from their _source_instance
        {{ surrogate_key(['_source_instance']) }} as restaurant_key,
        _source_instance as source_instance,
        restaurant_guid,

        -- attributes, as of this version
        {%- for column in tracked_columns %}
        {{ column }},
        {%- endfor %}
        modified_at,

        -- validity: [valid_from, valid_to)
        version_valid_from as valid_from,
        valid_to,
        valid_to is null as is_current,

        -- lineage
        _seq as raw_seq,
        _loaded_at as loaded_at

    from versions_with_valid_to

)

select * from final
