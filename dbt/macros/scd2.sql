{#-
  A type-2 slowly changing dimension over every raw version of one entity, as a complete select statement.
    versions:           the relation holding every version (a base model), with _source_instance, the id
                        column, _seq and _loaded_at
    entity:             names the keys: <entity>_version_key (one per row) and <entity>_key (shared by the
                        versions of one record)
    id_column:          the record's natural id
    valid_from:         an expression: when a version takes effect
    tracked_columns:    the attributes a dimension row carries; a change to any of them opens a new row
    tracked_expressions: more expressions whose change opens a row (e.g. serialised JSON blocks)
    extra_columns:      carried along, untracked
    key_columns:        the columns <entity>_key is made of (default: _source_instance and the id)
  Of the versions sharing a valid_from the last landed wins; consecutive versions with identical tracked
  columns collapse into the first of them. Rows are valid over [valid_from, valid_to).
-#}
{% macro scd2_dimension(
    versions, entity, id_column, valid_from, tracked_columns, tracked_expressions=[], extra_columns=[], key_columns=none
) -%}
{%- set hashed = [] -%}
{%- do hashed.extend(tracked_columns) -%}
{%- do hashed.extend(tracked_expressions) -%}
with {{ entity }}_versions as (

    select * from {{ versions }}

),

versions_with_validity as (

    select
        *,
        {{ valid_from }} as version_valid_from,
        {{ surrogate_key(hashed) }} as tracked_columns_hash

    from {{ entity }}_versions

),

changed_versions as (

    {{ collapse_unchanged_versions(
        'versions_with_validity',
        partition_by=['_source_instance', id_column],
        instant_order_by=['_seq desc'],
    ) }}

),

versions_with_valid_to as (

    select
        *,
        lead(version_valid_from) over (
            partition by _source_instance, {{ id_column }}
            order by version_valid_from
        ) as valid_to

    from changed_versions

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', id_column, timestamp_utc_text('version_valid_from')]) }}
            as {{ entity }}_version_key,
        {{ surrogate_key(key_columns or ['_source_instance', id_column]) }} as {{ entity }}_key,
        _source_instance as source_instance,
        {{ id_column }},

        -- attributes, as of this version
        {%- for column in tracked_columns %}
        {{ column }},
        {%- endfor %}
        {%- for column in extra_columns %}
        {{ column }},
        {%- endfor %}

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
{%- endmacro %}
