{#- Toast: the parsing and the attribute lists shared by several Toast models. -#}

{#- A Toast timestamp ('2025-01-05T18:03:11.123+0000') at `path` of a JSON value -> timestamp (null when absent). -#}
{% macro toast_timestamp(json, path) -%}
  {{ iso8601_to_timestamp(json_text(json, path)) }}
{%- endmacro %}


{#- A Toast business date at `path` (an integer or a string, yyyymmdd) -> date (null when absent). -#}
{% macro toast_business_date(json, path) -%}
  {{ yyyymmdd_to_date(json_text(json, path)) }}
{%- endmacro %}


{#-
  A reference to another Toast object at `path`: Toast sends {guid, entityType} objects, and a few fields
  (CashEntry.undoes, Deposit.undoes) a bare guid string. Either way, the guid as text.
-#}
{% macro toast_reference(json, path) -%}
  coalesce(
    {{ json_text(json, json_path_parts(path) + ['guid']) }},
    {{ json_scalar_text(json_value(json, path)) }}
  )
{%- endmacro %}


{#-
  The order in which versions of a Toast object supersede each other, latest first: the later modifiedDate,
  else (objects without one, as real configuration objects may be) the later load; then the later load.
  Staging keeps the first version in this order; the SCD2 dimensions date versions the same way.
-#}
{% macro toast_version_order() -%}
  {{ return(['coalesce(modified_at, _loaded_at) desc', '_seq desc']) }}
{%- endmacro %}


{#-
  Attributes of the Toast objects kept as SCD2 dimensions, in column order. Each dim_toast_* carries them per
  version, and a change to any of them opens a new version: one list per object, so that no attribute a
  dimension shows can change without a version of its own.
-#}
{% macro toast_restaurant_attributes() -%}
  {{ return([
      'restaurant_name', 'location_name', 'location_code', 'description', 'time_zone', 'closeout_hour',
      'management_group_guid', 'currency_code', 'address_line_1', 'address_line_2', 'address_city',
      'address_state', 'address_zip_code', 'address_country', 'phone_number_raw', 'phone_number', 'latitude',
      'longitude',
  ]) }}
{%- endmacro %}

{% macro toast_menu_item_attributes() -%}
  {{ return([
      'menu_item_name', 'plu', 'sku', 'visibility', 'is_orderable_online', 'price', 'sales_category_guid',
      'menu_group_guid',
  ]) }}
{%- endmacro %}

{% macro toast_employee_attributes() -%}
  {{ return([
      'first_name', 'last_name', 'chosen_name', 'email', 'phone_number_raw', 'phone_number',
      'external_employee_id', 'is_deleted', 'deleted_at',
  ]) }}
{%- endmacro %}

{% macro toast_job_attributes() -%}
  {{ return([
      'job_title', 'job_code', 'wage_frequency', 'default_wage', 'is_tipped', 'is_excluded_from_reporting',
      'is_deleted',
  ]) }}
{%- endmacro %}

{% macro toast_revenue_center_attributes() -%}
  {{ return(['revenue_center_name', 'description']) }}
{%- endmacro %}

{% macro toast_dining_option_attributes() -%}
  {{ return(['dining_option_name', 'behavior', 'is_curbside']) }}
{%- endmacro %}


{#-
  An SCD2 dimension over every raw version of one Toast configuration or staff entity (`entity` names the
  base model base_toast__<entity>_versions and its <entity>_guid; see scd2_dimension): a version takes effect
  at its modifiedDate, or when it landed if Toast sent none.
-#}
{% macro toast_scd2_dimension(entity, tracked_columns, tracked_expressions=[], extra_columns=[], key_columns=none) -%}
{%- set columns = [] -%}
{%- do columns.extend(extra_columns) -%}
{%- do columns.append('modified_at') -%}
{{ scd2_dimension(
    ref('base_toast__' ~ entity ~ '_versions'),
    entity,
    entity ~ '_guid',
    valid_from='coalesce(modified_at, _loaded_at)',
    tracked_columns=tracked_columns,
    tracked_expressions=tracked_expressions,
    extra_columns=columns,
    key_columns=key_columns,
) }}
{%- endmacro %}
