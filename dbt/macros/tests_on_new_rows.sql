{#-
  Data tests of incremental models check the rows a build wrote, not the whole table again.

  A daily build of an incremental model rewrites a few hundred rows of a table of hundreds of thousands; the
  rest were tested by the build that wrote them and have not changed since. So the data tests of a model
  that opts in (config meta, below) read only those rows:
    - row by row tests (not_null, not_null_columns, accepted_values, accepted_range, matches_pattern, date_in_range,
      length_between) and relationships (from the model's new rows; a parent never disappears: staging keeps
      the latest version of every key ever landed): the new rows;
    - uniqueness (unique, unique_combination_of_columns): every row, old or new, that has the key of a new
      row - a new row that duplicates an old one is caught (keys are matched with =, so a key with a null part
      is left to the not-null tests, as dbt's own unique test leaves nulls);
    - any other test: the whole table.
  Which rows are new, by the model's meta:
    - `tests_on_rows_built_at: <column>`: the rows of the table's latest build (the column holds the build's
      start time, dbt's run_started_at, on every row a build writes: build_started_at());
    - `tests_on_rows_after: {model: <model>, column: <column>}`, for a view over an append-only raw table:
      the rows whose `column` is above the highest one that model (the incremental staging built from the
      view) holds - the raw versions landed since it was last built. Its tests run before it is rebuilt
      (dbt build), and a failing test stops that rebuild, so failing rows are tested again next time. Before
      the model exists, every row.
  A full refresh (--full-refresh) tests every row, as does a first build (every row is new).

  dbt applies a test's `where` config through get_where_subquery; this override adds the restriction (dbt
  documents overriding it: https://docs.getdbt.com/reference/resource-configs/where).
-#}
{% macro get_where_subquery(relation) -%}
  {%- set where = config.get('where') -%}
  {%- set new_rows = tested_rows_restriction(relation) -%}
  {%- if not where and new_rows is none -%}
    {{ return(relation) }}
  {%- endif -%}
  {%- set filtered -%}
    (select * from {{ relation }} as tested_rows where {{ where if where else 'true' }}{% if new_rows is not none %} and {{ new_rows }}{% endif %}) dbt_subquery
  {%- endset -%}
  {{ return(filtered) }}
{%- endmacro %}


{#- The timestamp every row written by this invocation carries in a `tests_on_rows_built_at` column. -#}
{% macro build_started_at() -%}
  {{ return(adapter.dispatch('build_started_at', 'hospitality_elt')()) }}
{%- endmacro %}

{% macro default__build_started_at() -%}
  cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}+00' as {{ instant_type() }})
{%- endmacro %}


{#- Row by row tests, and those that read the tested model's rows one by one against another model. -#}
{% macro tests_of_rows() -%}
  {{ return([
    'not_null', 'not_null_columns', 'accepted_values', 'accepted_range', 'matches_pattern', 'date_in_range',
    'length_between', 'relationships',
  ]) }}
{%- endmacro %}


{#-
  The predicate (over the alias `tested_rows`) that restricts the current data test to the new rows of
  `relation` (see above), or none for every row.
-#}
{% macro tested_rows_restriction(relation) -%}
  {%- if not execute or flags.FULL_REFRESH or model.resource_type != 'test' or not model.attached_node -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set tested_model = graph.nodes.get(model.attached_node) -%}
  {%- set meta = (tested_model.config.meta if tested_model else {}) or {} -%}
  {%- set test = model.test_metadata or {} -%}
  {%- if test.name in tests_of_rows() -%}
    {%- set keys = none -%}
  {%- elif test.name == 'unique' -%}
    {%- set keys = [test.kwargs.column_name] -%}
  {%- elif test.name == 'unique_combination_of_columns' -%}
    {%- set keys = test.kwargs.combination_of_columns -%}
  {%- else -%}
    {{ return(none) }}
  {%- endif -%}

  {%- if meta.tests_on_rows_built_at -%}
    {%- set column = meta.tests_on_rows_built_at -%}
    {%- set new_rows = column ~ ' = ' ~ bound_of('max(' ~ column ~ ')', relation, 'timestamp') -%}
  {%- elif meta.tests_on_rows_after -%}
    {%- set column = meta.tests_on_rows_after.column -%}
    {%- set consumer = relation_of_model(meta.tests_on_rows_after.model) -%}
    {%- if consumer is none -%}
      {{ return(none) }}
    {%- endif -%}
    {%- set new_rows = column ~ ' > ' ~ bound_of('coalesce(max(' ~ column ~ '), 0)', consumer, 'integer') -%}
  {%- else -%}
    {{ return(none) }}
  {%- endif -%}

  {%- if keys is none -%}
    {{ return('tested_rows.' ~ new_rows) }}
  {%- endif -%}
  {%- set predicate -%}
    exists (
        select 1
        from {{ relation }} as new_rows
        where new_rows.{{ new_rows }}
            {%- for key in keys %}
            and new_rows.{{ key }} = tested_rows.{{ key }}
            {%- endfor %}
    )
  {%- endset -%}
  {{ return(predicate) }}
{%- endmacro %}


{#- The relation of a model of this project, or none while it does not exist (assumed to exist under dbt compile). -#}
{% macro relation_of_model(name) -%}
  {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == name -%}
    {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- if flags.WHICH == 'compile' -%}
      {{ return(relation) }}
    {%- endif -%}
    {{ return(adapter.get_relation(
      database=relation.database, schema=relation.schema, identifier=relation.identifier
    )) }}
  {%- endfor -%}
  {{ return(none) }}
{%- endmacro %}


{#-
  The bound of the new rows: an aggregate over a relation (`kind`: 'timestamp' or 'integer'), as SQL.
  PostgreSQL: its value, read when the test is compiled, as a literal - a constant the planner can estimate
  (every row of a table built in full has the same build time, so "= (select max(...))" would look like
  the whole table, and a scan is what PostgreSQL would choose). BigQuery (whose every query is a job, and
  which scans anyway): the subquery itself, as under `dbt compile`.
-#}
{% macro bound_of(aggregate, relation, kind) -%}
  {%- if flags.WHICH == 'compile' -%}
    {{ return('(select ' ~ aggregate ~ ' from ' ~ relation ~ ')') }}
  {%- endif -%}
  {{ return(adapter.dispatch('bound_of', 'hospitality_elt')(aggregate, relation, kind)) }}
{%- endmacro %}

{% macro default__bound_of(aggregate, relation, kind) -%}
  {%- set query = 'select cast(' ~ aggregate ~ ' as ' ~ dbt.type_string() ~ ') from ' ~ relation -%}
  {%- set value = run_query(query).columns[0].values()[0] -%}
  {%- if value is none -%}
    {{ return('null') }}
  {%- endif -%}
  {%- set cast_type = instant_type() if kind == 'timestamp' else dbt.type_bigint() -%}
  {{ return('cast(' ~ text_literal(value) ~ ' as ' ~ cast_type ~ ')') }}
{%- endmacro %}

{% macro bigquery__bound_of(aggregate, relation, kind) -%}
  {{ return('(select ' ~ aggregate ~ ' from ' ~ relation ~ ')') }}
{%- endmacro %}


{#- The type of instants: PostgreSQL timestamptz, BigQuery TIMESTAMP. -#}
{% macro instant_type() -%}
  {{ return(adapter.dispatch('instant_type', 'hospitality_elt')()) }}
{%- endmacro %}

{% macro default__instant_type() -%}
  timestamptz
{%- endmacro %}

{% macro bigquery__instant_type() -%}
  timestamp
{%- endmacro %}
