{#-
  Test fixtures: `--vars '{fixtures: true}'` seeds dbt/seeds/fixtures/ into their own schema and points the
  sources there (see dbt_project.yml and the sources' `schema`). These helpers keep that switch in one place.
-#}
{% macro fixtures_enabled() -%}
  {{ return(var('fixtures', false) | string | lower in ['true', '1', 'yes']) }}
{%- endmacro %}

{#-
  source(), for a raw table that a fixture seed of the same name stands in for. Sources cannot depend on
  seeds, so with fixtures on the seed is also declared as a parent: dbt then loads it before the model runs.
-#}
{% macro fixture_backed_source(source_name, table_name) -%}
  {%- if fixtures_enabled() %}{% do ref(table_name) %}{% endif -%}
  {{ return(source(source_name, table_name)) }}
{%- endmacro %}
