{#-
  Incremental staging over append-only raw tables (see "Models (dbt)" in README.md).

  incremental_watermark(): on an incremental run, the highest `_seq` (load order) the model already holds,
  read once when the model is compiled (so the body and its pre-hook see the same value); none on a full
  build, under `dbt compile`, in unit tests (is_incremental overridden to false) and when the table is empty.
-#}
{% macro incremental_watermark(column='_seq') -%}
  {#- `dbt compile --vars '{compile_incremental: true}'` shows an incremental run instead, with 0 for every
      watermark (test/bigquery analyses both forms offline). -#}
  {%- if flags.WHICH == 'compile' and var('compile_incremental', false) -%}
    {{ return(0) }}
  {%- endif -%}
  {#- `dbt compile` shows the full build: is_incremental() would ask the warehouse whether the table exists,
      and the offline BigQuery compile (test/bigquery) has no warehouse to ask. -#}
  {%- if not execute or flags.WHICH == 'compile' or not is_incremental() -%}
    {{ return(none) }}
  {%- endif -%}
  {#- A table built before the model was incremental has no such column: rebuild its rows (the model's
      on_schema_change adds the column). -#}
  {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
  {%- if column | lower not in columns -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set result = run_query('select max(' ~ column ~ ') from ' ~ this) -%}
  {%- set value = result.columns[0].values()[0] -%}
  {{ return(value) }}
{%- endmacro %}


{#-
  A predicate on a base model's raw versions: only those loaded after `watermark` (`_seq` greater). On
  BigQuery raw tables are partitioned by DATE(_loaded_at), so a constant lower bound on _loaded_at (the
  model's latest load time less a day of overlap, for loads that committed late) lets the scan read only the
  recent partitions; `_seq` alone decides which rows count.
-#}
{% macro raw_versions_since(watermark) -%}
  {{ return(adapter.dispatch('raw_versions_since', 'hospitality_elt')(watermark)) }}
{%- endmacro %}

{% macro default__raw_versions_since(watermark) -%}
  _seq > {{ watermark }}
{%- endmacro %}

{% macro bigquery__raw_versions_since(watermark) -%}
  {%- if flags.WHICH == 'compile' and var('compile_incremental', false) -%}
  {%- set max_loaded_at = '2025-01-01 00:00:00.000000+00' -%}
  {%- else -%}
  {%- set loaded = run_query(
    'select format_timestamp("%Y-%m-%d %H:%M:%E6S+00", max(_loaded_at), "UTC") from ' ~ this
  ) -%}
  {%- set max_loaded_at = loaded.columns[0].values()[0] -%}
  {%- endif -%}
  _seq > {{ watermark }}
  {%- if max_loaded_at %}
  and _loaded_at >= timestamp_sub(timestamp '{{ max_loaded_at }}', interval 1 day)
  {%- endif %}
{%- endmacro %}


{#-
  Pre-hook of a model holding the children of Square orders (line items, modifiers, order lines): on an
  incremental run, delete the rows of every order whose version changed since the model's watermark, so the
  new version's rows replace them all (an edited order may have fewer lines, or none). The model then inserts
  the changed orders' rows. `orders` is the relation holding one row per order with its `_seq`. Without a
  watermark (an empty table, or one built before it had the column) every row goes and the model inserts
  them all again. `watermark_column` and `instance_column` name the model's own load-order and merchant
  columns (a mart's `raw_seq` and `source_instance`).
-#}
{% macro delete_children_of_changed_orders(orders, watermark_column='_seq', instance_column='_source_instance') -%}
  {%- if execute and is_incremental() -%}
  {%- set watermark = incremental_watermark(watermark_column) -%}
  delete from {{ this }} as current_rows
  {%- if watermark is not none %}
  where exists (
      select 1
      from {{ orders }} as changed_orders
      where changed_orders._seq > {{ watermark }}
          and changed_orders._source_instance = current_rows.{{ instance_column }}
          and changed_orders.order_id = current_rows.order_id
  )
  {%- else %}
  where true
  {%- endif %}
  {%- endif -%}
{%- endmacro %}


{#-
  Post-hook of an incremental model: PostgreSQL indexes on the columns its incremental runs look up (the
  watermark, the keys a delete+insert replaces, the keys a downstream model reads back), created once - dbt's
  own `indexes` config only indexes a table when it is built in full - and, after a full build, statistics
  (ANALYZE), so the next incremental run's plans start from the few changed rows rather than from a guess.
  BigQuery has no indexes: the models are clustered instead. `indexes` is a list of column lists.
-#}
{% macro ensure_indexes(indexes) -%}
  {{ return(adapter.dispatch('ensure_indexes', 'hospitality_elt')(indexes)) }}
{%- endmacro %}

{% macro default__ensure_indexes(indexes) -%}
{%- endmacro %}

{% macro postgres__ensure_indexes(indexes) -%}
  {#- Only a missing index is created: CREATE INDEX takes its table lock even when the index exists, and
      waits for an autovacuum of the table to give way (a second). -#}
  do $ensure_indexes$ begin
  {%- for columns in indexes %}
  {%- set name = this.identifier[:40] ~ '_' ~ local_md5(columns | join(','))[:8] ~ '_idx' %}
    if to_regclass('{{ adapter.quote(this.schema) }}.{{ adapter.quote(name) }}') is null then
      create index {{ adapter.quote(name) }} on {{ this }} ({{ columns | join(', ') }});
    end if;
  {%- endfor %}
  end $ensure_indexes$;
  {%- if not is_incremental() %}
  analyze {{ this }};
  {%- endif %}
{%- endmacro %}


{#-
  A SQL string literal of a text value, escaped for the target warehouse.
-#}
{% macro text_literal(value) -%}
  {{ return(adapter.dispatch('text_literal', 'hospitality_elt')(value)) }}
{%- endmacro %}

{% macro default__text_literal(value) -%}
  '{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro bigquery__text_literal(value) -%}
  '{{ value | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}


{#- A predicate: `columns` equal one of `rows` (lists of text values, in the order of `columns`); false for none. -#}
{% macro keys_in(columns, rows) -%}
  {%- if rows | length == 0 -%}
  false
  {%- else -%}
  ({% for row in rows %}{{ ' or ' if not loop.first }}(
    {%- for column in columns %}{{ ' and ' if not loop.first }}{{ column }} = {{ text_literal(row[loop.index0]) }}
    {%- endfor %}){% endfor %})
  {%- endif -%}
{%- endmacro %}


{#-
  Lookups that went stale: on an incremental run, the keys (as lists of text values) of the rows of a small
  lookup that `this` holds other values of than the lookup has now, e.g. the locations whose time zone
  changed since the rows were built. Read once when the model is compiled, by one pass over a few columns
  of `this`, so the model's own query stays a lookup of the changed rows (an incremental model that
  compared every row with the lookup would scan itself whole in the middle of its query).
    lookup:  the lookup relation (one row per key)
    key:     (this column, lookup column) pairs of the lookup key, e.g. [('source_instance', '_source_instance'), ('location_id', 'location_id')]
    compare: (this column, expression over the lookup row `current_lookup`) pairs of the attributes,
             compared as "is distinct from"
  None of them under `dbt compile` (one made-up key with compile_incremental, so the predicate shows).
-#}
{% macro stale_lookup_keys(lookup, key, compare) -%}
  {%- if flags.WHICH == 'compile' and var('compile_incremental', false) -%}
    {{ return([['compiled', 'offline']]) }}
  {%- endif -%}
  {%- if not execute or flags.WHICH == 'compile' or not is_incremental() -%}
    {{ return([]) }}
  {%- endif -%}
  {%- set query -%}
    select {% for held, current in key %}{{ ', ' if not loop.first }}held.{{ held }}{% endfor %}
    from (
        select distinct {% for held, current in key + compare %}{{ ', ' if not loop.first }}{{ held }}{% endfor %}
        from {{ this }}
        where {% for held, current in key %}{{ ' and ' if not loop.first }}{{ held }} is not null{% endfor %}
    ) as held
    left join {{ lookup }} as current_lookup
        on {% for held, current in key %}{{ ' and ' if not loop.first }}held.{{ held }} = current_lookup.{{ current }}{% endfor %}
    where {% for held, current in compare %}{{ ' or ' if not loop.first }}held.{{ held }} is distinct from {{ current }}{% endfor %}
  {%- endset -%}
  {%- set rows = [] -%}
  {%- for row in run_query(query).rows -%}
    {%- do rows.append(row | map('string') | list) -%}
  {%- endfor -%}
  {{ return(rows) }}
{%- endmacro %}


{#- The Square locations (source instance, location id) whose time zone - and name, with_name - `this` holds stale. -#}
{% macro square_stale_locations(instance_column, with_name=false) -%}
  {%- set compare = [('time_zone', "coalesce(current_lookup.time_zone, 'UTC')")] -%}
  {%- if with_name -%}
    {%- do compare.append(('location_name', 'current_lookup.location_name')) -%}
  {%- endif -%}
  {%- set key = [(instance_column, '_source_instance'), ('location_id', 'location_id')] -%}
  {{ return(stale_lookup_keys(ref('stg_square__locations'), key, compare)) }}
{%- endmacro %}


{#-
  The Square orders (merchant, order id) whose rows in an incremental fact of order lines or modifier sales
  (`this`, keyed by source_instance and order_id, with raw_seq and payments_raw_seq) can have changed since
  the fact was last built, as a select statement:
    - a new or edited order: its staging row's `_seq` is above the fact's highest raw_seq,
    - a new or edited payment of the order (it can change whom the order is credited to): the payment's
      `_seq` is above the fact's highest payments_raw_seq,
    - an order at a location whose time zone changed, or with a line of a variation that moved to another
      catalog item (`catalog_object_column` / `catalog_item_column`: the fact's variation and item columns).
-#}
{% macro square_orders_to_rebuild(order_watermark, payment_watermark, catalog_object_column, catalog_item_column) -%}
  {%- set stale_locations = square_stale_locations('source_instance') -%}
  {%- set stale_variations = stale_lookup_keys(
      ref('stg_square__catalog_item_variations'),
      [('source_instance', '_source_instance'), (catalog_object_column, 'catalog_variation_id')],
      [(catalog_item_column, 'current_lookup.catalog_item_id')],
  ) -%}
    select _source_instance, order_id
    from {{ ref('stg_square__orders') }}
    where _seq > {{ order_watermark }}

    union distinct

    select _source_instance, order_id
    from {{ ref('stg_square__payments') }}
    where _seq > {{ payment_watermark if payment_watermark is not none else -1 }}
        and order_id is not null
  {%- if stale_locations or stale_variations %}

    union distinct

    select source_instance as _source_instance, order_id
    from {{ this }}
    where {{ keys_in(['source_instance', 'location_id'], stale_locations) }}
        or {{ keys_in(['source_instance', catalog_object_column], stale_variations) }}
  {%- endif %}
{%- endmacro %}
