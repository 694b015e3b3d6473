{#-
  The latest version of each key of an append-only history, as a complete select statement with the
  relation's own columns (no helper column left behind).
    partition_by: list of column names that form the key
    order_by:     list of ordering expressions, latest first (e.g. ['sequence_id desc nulls last', '_seq desc'])
-#}
{% macro latest_version_per_key(relation, partition_by, order_by) -%}
  {{ return(adapter.dispatch('latest_version_per_key', 'hospitality_elt')(relation, partition_by, order_by)) }}
{%- endmacro %}

{% macro postgres__latest_version_per_key(relation, partition_by, order_by) -%}
  select distinct on ({{ partition_by | join(', ') }}) *
  from {{ relation }}
  order by {{ partition_by | join(', ') }}, {{ order_by | join(', ') }}
{%- endmacro %}

{% macro bigquery__latest_version_per_key(relation, partition_by, order_by) -%}
  select *
  from {{ relation }}
  where true
  qualify row_number() over (partition by {{ partition_by | join(', ') }} order by {{ order_by | join(', ') }}) = 1
{%- endmacro %}


{#-
  The versions of an SCD2 history that open a new row, as a complete select statement. `relation` has the key
  columns (partition_by), version_valid_from and tracked_columns_hash (a hash of the columns whose change
  opens a version). Of the versions sharing a valid_from, the first by instant_order_by is kept; then a
  version whose tracked_columns_hash equals the previous one's is collapsed into it (dropped). The result
  keeps the relation's columns plus rank_in_instant and previous_tracked_columns_hash. Plain SQL (nested
  subqueries rather than a nested WITH), so it needs no dispatch.
-#}
{% macro collapse_unchanged_versions(relation, partition_by, instant_order_by) -%}
  select *
  from (
      select
          *,
          lag(tracked_columns_hash) over (
              partition by {{ partition_by | join(', ') }}
              order by version_valid_from
          ) as previous_tracked_columns_hash
      from (
          select
              *,
              row_number() over (
                  partition by {{ partition_by | join(', ') }}, version_valid_from
                  order by {{ instant_order_by | join(', ') }}
              ) as rank_in_instant
          from {{ relation }}
      ) as ranked_versions_per_instant
      where rank_in_instant = 1
  ) as versions_compared
  where previous_tracked_columns_hash is null
      or previous_tracked_columns_hash <> tracked_columns_hash
{%- endmacro %}
