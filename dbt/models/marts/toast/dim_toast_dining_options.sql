{{ config(cluster_by=['source_instance', 'dining_option_guid']) }}

{#-
  Columns whose change opens a new version: toast_dining_option_attributes(). modifiedDate alone and the
  landing columns do not. Extend, not +: dbt parses unit tests with project macros undefined, and an undefined
  value can be iterated but not added to.
-#}
{%- set tracked_columns = [] %}
{%- do tracked_columns.extend(toast_dining_option_attributes()) %}

with dining_option_versions as (

    select * from {{ ref('base_toast__dining_option_versions') }}

),

versions_with_validity as (

    select
        *,
        -- a version takes effect at its modifiedDate, or when it landed if Toast sent none
        coalesce(modified_at, _loaded_at) as version_valid_from,
        {{ surrogate_key(tracked_columns) }} as tracked_columns_hash

    from dining_option_versions

),

changed_versions as (

    -- Versions sharing a valid_from: the last landed wins. Then consecutive versions with identical tracked
    -- columns collapse into the first of them.
    {{ collapse_unchanged_versions(
        'versions_with_validity',
        partition_by=['_source_instance', 'dining_option_guid'],
        instant_order_by=['_seq desc'],
    ) }}

),

versions_with_valid_to as (

    select
        *,
        lead(version_valid_from) over (
            partition by _source_instance, dining_option_guid
            order by version_valid_from
        ) as valid_to

    from changed_versions

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'dining_option_guid', 'version_valid_from']) }} as dining_option_version_key,
        {{ surrogate_key(['_source_instance', 'dining_option_guid']) }} as dining_option_key,
        _source_instance as source_instance,
        dining_option_guid,

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
