{#-
  Test fixtures: `--vars '{fixtures: true}'` seeds dbt/seeds/fixtures/ into their own schema and points the
  sources there (see dbt_project.yml and the sources' `schema`). These helpers keep that switch in one place.
-#}
{% macro fixtures_enabled() -%}
  {{ return(var('fixtures', false) | string | lower in ['true', '1', 'yes']) }}
{%- endmacro %}

{#-
  Sources cannot depend on seeds, so a staging model that reads a fixture-backed source declares the seed as
  a parent when fixtures are on: dbt then loads the seed before building the model.
-#}
{% macro depends_on_fixture(seed_name) -%}
  {%- if fixtures_enabled() %}
-- depends on the fixture seed {{ ref(seed_name) }} (fixtures mode only)
  {%- endif %}
{%- endmacro %}
