{#-
  A deterministic text key (md5 hex) from a list of column expressions. Nulls and empty strings hash
  differently, and a separator keeps ('ab', 'c') apart from ('a', 'bc'). Built on dbt's own cross-database
  helpers (dbt.concat, dbt.hash), so it needs no dispatch of its own.
-#}
{% macro surrogate_key(columns) -%}
  {%- set parts = [] -%}
  {%- for column in columns -%}
    {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '#null#')") -%}
    {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
  {%- endfor -%}
  {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
