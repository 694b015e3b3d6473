{#- Arrivy: the parsing and the attribute lists shared by several Arrivy models (docs/sources/arrivy.md). -#}

{#-
  An Arrivy UTC datetime at `path` of a JSON value -> timestamp. Arrivy writes UTC without a zone designator
  ('2025-03-05T15:00:00'), which must be read as UTC, never as local time; the same with a 'Z' or an offset
  is read as written. Any other layout gives null (the text stays in the model's *_raw column).
-#}
{% macro arrivy_utc_timestamp(json, path) -%}
  {%- set text = json_text(json, path) -%}
  {%- set without_zone = regexp_like(text, iso8601_date_time_pattern() ~ '$') -%}
  {{ iso8601_to_timestamp('case when ' ~ without_zone ~ ' then ' ~ text ~ " || 'Z' else " ~ text ~ ' end') }}
{%- endmacro %}


{#-
  Whether a landed version says the record disappeared from Arrivy's list. Customers and team members are
  read as whole lists and Arrivy deletes by dropping a record; the extractor then lands a tombstone, the key
  with "_elt_deleted": true and "_elt_deleted_at" (extract/kit/rest/deletions.ts).
-#}
{% macro arrivy_is_deleted(json) -%}
  coalesce({{ json_boolean(json, '_elt_deleted') }}, false)
{%- endmacro %}


{#-
  Attributes of the Arrivy records kept as SCD2 dimensions, in column order. A change to any of them opens a
  new version of dim_arrivy_customers / dim_arrivy_team_members; staging carries the same columns.
-#}
{% macro arrivy_customer_attributes() -%}
  {{ return([
      'first_name', 'last_name', 'full_name', 'company_name', 'email', 'mobile_number_raw', 'mobile_number',
      'phone_number_raw', 'phone_number', 'address_line_1', 'address_line_2', 'address_city', 'address_state',
      'address_postal_code', 'address_country_code', 'latitude', 'longitude', 'notes', 'external_id', 'is_deleted',
  ]) }}
{%- endmacro %}

{% macro arrivy_team_member_attributes() -%}
  {{ return([
      'team_member_name', 'entity_type', 'email', 'details', 'group_id', 'image_path', 'is_deleted',
  ]) }}
{%- endmacro %}


{#-
  A staging model over base_arrivy__<entity>_versions: the latest landed version of each record (Arrivy sends
  no modification time, so load order decides), with `columns` and the landing columns kept.
-#}
{% macro arrivy_latest_versions(entity, id_column, columns) -%}
with {{ entity }}_versions as (

    select * from {{ ref('base_arrivy__' ~ entity ~ '_versions') }}

),

latest_{{ entity }}_versions as (

    {{ latest_version_per_key(
        entity ~ '_versions',
        partition_by=['_source_instance', id_column],
        order_by=['_seq desc'],
    ) }}

)

select
    {%- for column in columns %}
    {{ column }},
    {%- endfor %}
    _source_instance,
    _seq,
    _loaded_at

from latest_{{ entity }}_versions
{%- endmacro %}


{#-
  An SCD2 dimension over base_arrivy__<entity>_versions (see scd2_dimension): `tracked_columns` and the
  extra_fields block open a new version when they change. Arrivy sends no modification time, so a version is
  valid from when it landed.
-#}
{% macro arrivy_scd2_dimension(entity, id_column, tracked_columns) -%}
{{ scd2_dimension(
    ref('base_arrivy__' ~ entity ~ '_versions'),
    entity,
    id_column,
    valid_from='_loaded_at',
    tracked_columns=tracked_columns,
    tracked_expressions=[json_to_string('extra_fields_json')],
    extra_columns=['owner_id', 'extra_fields_json'],
) }}
{%- endmacro %}


{#-
  The raw versions of a list Arrivy returns whole, as a complete select statement: every column of
  `relation`, plus is_deleted; a deletion (a tombstone the extractor landed: the key, "_elt_deleted" and its
  time) carries the record of the last version before it, so a deleted record keeps its details.
-#}
{% macro arrivy_versions_with_deletions(relation) -%}
  select
      versions._seq,
      versions._source_instance,
      versions._key,
      versions._hash,
      coalesce(last_listed.record, versions.record) as record,
      versions._origin,
      versions._loaded_at,
      versions._run_id,
      versions.is_deleted

  from (
      select
          *,
          {{ arrivy_is_deleted('record') }} as is_deleted,
          max(case when not {{ arrivy_is_deleted('record') }} then _seq end) over (
              partition by _source_instance, _key
              order by _seq
              rows between unbounded preceding and current row
          ) as last_listed_seq
      from {{ relation }}
  ) as versions
  left join {{ relation }} as last_listed
      on versions.is_deleted
      and last_listed._seq = versions.last_listed_seq
{%- endmacro %}
