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
