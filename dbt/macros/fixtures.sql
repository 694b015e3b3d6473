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


{#-
  A query returning one row per expected id that a model does not hold with its exact digits: `expected_ids`
  is a list of (model name, column, id as text). For the fixtures' ids above 2^53, which a double would round.
-#}
{% macro missing_exact_ids(expected_ids) -%}
with expected_ids as (
    {% for model_name, column_name, expected_id in expected_ids %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select '{{ model_name }}.{{ column_name }}' as id_column, '{{ expected_id }}' as expected_id
    {%- endfor %}

),

found_ids as (
    {% for model_name, column_name, expected_id in expected_ids %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select '{{ model_name }}.{{ column_name }}' as id_column, {{ column_name }} as found_id from {{ ref(model_name) }}
    {%- endfor %}

)

select expected_ids.*
from expected_ids
left join found_ids
    on expected_ids.id_column = found_ids.id_column
    and expected_ids.expected_id = found_ids.found_id
where found_ids.found_id is null
{%- endmacro %}
