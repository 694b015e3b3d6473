{#-
  JSON access, one spelling for every warehouse.
  `json` is an SQL expression of the warehouse's JSON type (PostgreSQL jsonb, BigQuery JSON).
  `path` is a list of object keys and array indexes (['patron', 'id'], ['phone', 0, 'phone']) or a dotted
  string ('patron.id'); an empty path means the value itself.
  Numbers keep their exact digits when read as text (PostgreSQL stores jsonb numbers as numeric), so ids are
  always read with json_text, never through a number type.
-#}

{% macro json_path_parts(path) -%}
  {%- if path is none -%}
    {{ return([]) }}
  {%- elif path is string -%}
    {{ return(path.split('.') if path | length > 0 else []) }}
  {%- else -%}
    {{ return(path) }}
  {%- endif -%}
{%- endmacro %}

{#- PostgreSQL text[] literal for #> / #>>: every element double-quoted, so keys may hold any character. -#}
{% macro postgres_json_path(path) -%}
  {%- set elements = [] -%}
  {%- for part in json_path_parts(path) -%}
    {%- do elements.append('"' ~ (part | string | replace('\\', '\\\\') | replace('"', '\\"')) ~ '"') -%}
  {%- endfor -%}
  '{{ '{' ~ (elements | join(',') | replace("'", "''")) ~ '}' }}'
{%- endmacro %}

{#- BigQuery JSONPath: $.key, $."odd key", $.array[0]. -#}
{% macro bigquery_json_path(path) -%}
  {%- set ns = namespace(text='$') -%}
  {%- for part in json_path_parts(path) -%}
    {%- if part is number -%}
      {%- set ns.text = ns.text ~ '[' ~ part ~ ']' -%}
    {%- elif modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', part | string) -%}
      {%- set ns.text = ns.text ~ '.' ~ part -%}
    {%- else -%}
      {%- set ns.text = ns.text ~ '."' ~ (part | replace('"', '\\"')) ~ '"' -%}
    {%- endif -%}
  {%- endfor -%}
  '{{ ns.text | replace("'", "\\'") }}'
{%- endmacro %}


{#- A JSON value as text: strings unquoted, numbers with their exact digits, booleans 'true'/'false'. -#}
{% macro json_text(json, path=none) -%}
  {{ return(adapter.dispatch('json_text', 'hospitality_elt')(json, path)) }}
{%- endmacro %}

{% macro postgres__json_text(json, path) -%}
  ({{ json }} #>> {{ postgres_json_path(path) }})
{%- endmacro %}

{% macro bigquery__json_text(json, path) -%}
  json_value({{ json }}, {{ bigquery_json_path(path) }})
{%- endmacro %}


{#- A JSON value as JSON (objects and arrays stay JSON). -#}
{% macro json_value(json, path=none) -%}
  {{ return(adapter.dispatch('json_value', 'hospitality_elt')(json, path)) }}
{%- endmacro %}

{% macro postgres__json_value(json, path) -%}
  ({{ json }} #> {{ postgres_json_path(path) }})
{%- endmacro %}

{% macro bigquery__json_value(json, path) -%}
  json_query({{ json }}, {{ bigquery_json_path(path) }})
{%- endmacro %}


{#- A JSON number (or numeric string) as an exact decimal. -#}
{% macro json_numeric(json, path=none) -%}
  {{ return(adapter.dispatch('json_numeric', 'hospitality_elt')(json, path)) }}
{%- endmacro %}

{% macro postgres__json_numeric(json, path) -%}
  cast({{ postgres__json_text(json, path) }} as numeric)
{%- endmacro %}

{% macro bigquery__json_numeric(json, path) -%}
  cast({{ bigquery__json_text(json, path) }} as numeric)
{%- endmacro %}


{#- A JSON number (or numeric string) as a 64-bit integer; 12.0 reads as 12. Never use it for ids. -#}
{% macro json_integer(json, path=none) -%}
  {{ return(adapter.dispatch('json_integer', 'hospitality_elt')(json, path)) }}
{%- endmacro %}

{% macro postgres__json_integer(json, path) -%}
  cast(cast({{ postgres__json_text(json, path) }} as numeric) as bigint)
{%- endmacro %}

{% macro bigquery__json_integer(json, path) -%}
  cast(cast({{ bigquery__json_text(json, path) }} as numeric) as int64)
{%- endmacro %}


{#- A JSON boolean (or 'true'/'false' string) as a boolean. -#}
{% macro json_boolean(json, path=none) -%}
  {{ return(adapter.dispatch('json_boolean', 'hospitality_elt')(json, path)) }}
{%- endmacro %}

{% macro postgres__json_boolean(json, path) -%}
  cast({{ postgres__json_text(json, path) }} as boolean)
{%- endmacro %}

{% macro bigquery__json_boolean(json, path) -%}
  cast({{ bigquery__json_text(json, path) }} as bool)
{%- endmacro %}


{#-
  Unnest a JSON array into rows, as a join clause placed after a `from`: every element becomes a row of
  `<alias>.value` (JSON) and `<alias>.ordinal` (1-based position). A missing, null or non-array value
  yields no rows (and removes the parent row, as any inner join would); with outer=true the parent row stays,
  once, with null value and ordinal (a left join).
    from guests
    {{ unnest_json_array('guests.tags_json', 'tag') }}
-#}
{% macro unnest_json_array(json_array, alias, outer=false) -%}
  {{ return(adapter.dispatch('unnest_json_array', 'hospitality_elt')(json_array, alias, outer)) }}
{%- endmacro %}

{% macro postgres__unnest_json_array(json_array, alias, outer=false) -%}
  {{ 'left join' if outer else 'cross join' }} lateral jsonb_array_elements(
    case when jsonb_typeof({{ json_array }}) = 'array' then {{ json_array }} else '[]'::jsonb end
  ) with ordinality as {{ alias }}(value, ordinal){{ ' on true' if outer }}
{%- endmacro %}

{% macro bigquery__unnest_json_array(json_array, alias, outer=false) -%}
  {{ 'left join' if outer else 'cross join' }} unnest(array(
    select as struct array_element as value, array_offset + 1 as ordinal
    from unnest(json_query_array({{ json_array }})) as array_element with offset as array_offset
  )) as {{ alias }}
{%- endmacro %}


{#- A JSON scalar (string, number, boolean) as text; null for objects, arrays and JSON null. Handy for array
    elements that may be bare strings or objects. -#}
{% macro json_scalar_text(json) -%}
  {{ return(adapter.dispatch('json_scalar_text', 'hospitality_elt')(json)) }}
{%- endmacro %}

{% macro postgres__json_scalar_text(json) -%}
  (case when jsonb_typeof({{ json }}) in ('string', 'number', 'boolean') then {{ json }} #>> '{}' end)
{%- endmacro %}

{% macro bigquery__json_scalar_text(json) -%}
  json_value({{ json }})
{%- endmacro %}



{#- A JSON value (object, array or scalar) serialised as text, e.g. to hash or compare a nested block. Each
    warehouse serialises in its own canonical way, so compare such text only within one warehouse. -#}
{% macro json_to_string(json) -%}
  {{ return(adapter.dispatch('json_to_string', 'hospitality_elt')(json)) }}
{%- endmacro %}

{% macro postgres__json_to_string(json) -%}
  cast({{ json }} as text)
{%- endmacro %}

{% macro bigquery__json_to_string(json) -%}
  to_json_string({{ json }})
{%- endmacro %}
