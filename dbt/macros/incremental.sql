{#-
  Incremental staging over append-only raw tables (see "Models (dbt)" in README.md).

  incremental_watermark(): on an incremental run, the highest `_seq` (load order) the model already holds,
  read once when the model is compiled (so the body and its pre-hook see the same value); none on a full
  build, under `dbt compile`, in unit tests (is_incremental overridden to false) and when the table is empty.
-#}
{% macro incremental_watermark(column='_seq') -%}
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
  {%- set loaded = run_query('select format_timestamp("%Y-%m-%d %H:%M:%E6S+00", max(_loaded_at), "UTC") from ' ~ this) -%}
  {%- set max_loaded_at = loaded.columns[0].values()[0] -%}
  _seq > {{ watermark }}
  {%- if max_loaded_at %}
  and _loaded_at >= timestamp_sub(timestamp '{{ max_loaded_at }}', interval 1 day)
  {%- endif %}
{%- endmacro %}


{#-
  Pre-hook of a model holding the children of Square orders (line items, modifiers): on an incremental run,
  delete the rows of every order whose version changed since the model's watermark, so the new version's
  rows replace them all (an edited order may have fewer lines, or none). The model then inserts the changed
  orders' rows. `orders` is the relation holding one row per order with its `_seq`. Without a watermark (an
  empty table, or one built before it had `_seq`) every row goes and the model inserts them all again.
-#}
{% macro delete_children_of_changed_orders(orders) -%}
  {%- if execute and is_incremental() -%}
  {%- set watermark = incremental_watermark() -%}
  delete from {{ this }} as current_rows
  {%- if watermark is not none %}
  where exists (
      select 1
      from {{ orders }} as changed_orders
      where changed_orders._seq > {{ watermark }}
          and changed_orders._source_instance = current_rows._source_instance
          and changed_orders.order_id = current_rows.order_id
  )
  {%- else %}
  where true
  {%- endif %}
  {%- endif -%}
{%- endmacro %}
