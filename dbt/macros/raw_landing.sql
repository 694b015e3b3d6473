{#-
  The landing metadata every raw table carries (see the raw landing contract in README.md), as a column list
  for a base model's select: load order, natural key, content hash, origin, load time and run.
-#}
{% macro raw_landing_columns(relation_alias=none) -%}
  {%- set prefix = (relation_alias ~ '.') if relation_alias else '' -%}
  {%- for column in ['_seq', '_key', '_hash', '_origin', '_loaded_at', '_run_id'] %}
        {{ prefix }}{{ column }}{{ ',' if not loop.last }}
  {%- endfor %}
{%- endmacro %}
