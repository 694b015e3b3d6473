{#- Commerce7: the parsing shared by the Commerce7 models (docs/sources/commerce7.md). -#}

{#- A Commerce7 time at `path` (UTC ISO 8601 with milliseconds, '2019-12-15T20:56:23.614Z') -> timestamp; any
    other text gives null. -#}
{% macro commerce7_timestamp(json, path) -%}
  {{ iso8601_to_timestamp(json_text(json, path)) }}
{%- endmacro %}


{#- A whole number at `path` (cents, quantities, a vintage): a JSON number, or the same sent as a string (some
    integrations send amounts as strings); text that is not a number gives null instead of failing the build. -#}
{% macro commerce7_integer(json, path) -%}
  {{ round_to_bigint(text_to_numeric(json_text(json, path))) }}
{%- endmacro %}


{#-
  A staging model over base_commerce7__<entity>_versions: the latest version of each record. Commerce7 stamps
  every change (updatedAt), so a version landed late never wins over a newer one; load order breaks ties.
-#}
{% macro commerce7_latest_versions(entity, id_column) -%}
with {{ entity }}_versions as (

    select * from {{ ref('base_commerce7__' ~ entity ~ '_versions') }}

),

latest_{{ entity }}_versions as (

    {{ latest_version_per_key(
        entity ~ '_versions',
        partition_by=['_source_instance', id_column],
        order_by=['updated_at desc nulls last', '_seq desc'],
    ) }}

)

select * from latest_{{ entity }}_versions
{%- endmacro %}
