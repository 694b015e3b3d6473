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
  base model base_toast__<entity>_versions and its <entity>_guid): one row per version that changed a
  tracked column (`tracked_columns`, plus `tracked_expressions` such as serialised JSON blocks), valid from
  its modifiedDate (or its load time when Toast sent none) until the next one. `key_columns` make the
  dimension's key; `extra_columns` come along untracked.
-#}
{% macro toast_scd2_dimension(entity, tracked_columns, tracked_expressions=[], extra_columns=[], key_columns=none) -%}
{%- set guid = entity ~ '_guid' -%}
{%- set hashed = [] -%}
{%- do hashed.extend(tracked_columns) -%}
{%- do hashed.extend(tracked_expressions) -%}
with {{ entity }}_versions as (

    select * from {{ ref('base_toast__' ~ entity ~ '_versions') }}

),

versions_with_validity as (

    select
        *,
        -- a version takes effect at its modifiedDate, or when it landed if Toast sent none
        coalesce(modified_at, _loaded_at) as version_valid_from,
        {{ surrogate_key(hashed) }} as tracked_columns_hash

    from {{ entity }}_versions

),

changed_versions as (

    -- Versions sharing a valid_from: the last landed wins. Then consecutive versions with identical tracked
    -- columns collapse into the first of them.
    {{ collapse_unchanged_versions(
        'versions_with_validity',
        partition_by=['_source_instance', guid],
        instant_order_by=['_seq desc'],
    ) }}

),

versions_with_valid_to as (

    select
        *,
        lead(version_valid_from) over (
            partition by _source_instance, {{ guid }}
            order by version_valid_from
        ) as valid_to

    from changed_versions

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', guid, 'version_valid_from']) }} as {{ entity }}_version_key,
        {{ surrogate_key(key_columns or ['_source_instance', guid]) }} as {{ entity }}_key,
        _source_instance as source_instance,
        {{ guid }},

        -- attributes, as of this version
        {%- for column in tracked_columns %}
        {{ column }},
        {%- endfor %}
        {%- for column in extra_columns %}
        {{ column }},
        {%- endfor %}
        modified_at,

        -- validity: [valid_from, valid_to)
        version_valid_from as valid_from,
        valid_to,
        valid_to is null as is_current,

        -- lineage
        _seq as raw_seq,
        _loaded_at as loaded_at

    from versions_with_valid_to

)

select * from final
{%- endmacro %}
