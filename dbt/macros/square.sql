{#- Square objects: the parsing shared by several Square base models. -#}

{#-
  Square Money columns already parsed as <name>_minor (integer minor units, as sent), as select items in
  pairs: <name>_minor, and <name> - the exact decimal amount in the row's currency (1234 is 12.34 USD,
  1234 JPY, 1.234 KWD: see minor_units_to_amount). Comma-separated, no trailing comma.
-#}
{% macro square_money_columns(names, currency_code='currency_code') -%}
  {%- for name in names %}
        {{ name }}_minor,
        {{ minor_units_to_amount(name ~ '_minor', currency_code) }} as {{ name }}{{ ',' if not loop.last }}
  {%- endfor %}
{%- endmacro %}


{#- The currency of a Square object: the first of the Money objects at `paths` that names one, upper-cased. -#}
{% macro square_currency(json, paths) -%}
  upper(trim(coalesce(
    {%- for path in paths %}
    {{ json_text(json, json_path_parts(path) + ['currency']) }}{{ ',' if not loop.last }}
    {%- endfor %}
  )))
{%- endmacro %}


{#-
  A person (Customer, TeamMember): cleaned given and family names, a full name, the email lower-cased, the
  phone as typed and in E.164.
-#}
{% macro square_person_columns(json) -%}
  {%- set given_name = clean_name(json_text(json, 'given_name')) -%}
  {%- set family_name = clean_name(json_text(json, 'family_name')) -%}
  {{ given_name }} as given_name,
        {{ family_name }} as family_name,
        nullif(trim(coalesce({{ given_name }}, '') || ' ' || coalesce({{ family_name }}, '')), '') as full_name,
        {{ clean_email(json_text(json, 'email_address')) }} as email_address,
        nullif(trim({{ json_text(json, 'phone_number') }}), '') as phone_number_raw,
        {{ phone_e164(json_text(json, 'phone_number')) }} as phone_number
{%- endmacro %}


{#- A Square Address object at `path` (Customer.address, Location.address) as address_* columns. -#}
{% macro square_address_columns(json, path='address') -%}
  {%- set fields = [
      ('address_line_1', 'address_line_1'),
      ('address_line_2', 'address_line_2'),
      ('locality', 'address_city'),
      ('administrative_district_level_1', 'address_state'),
      ('postal_code', 'address_postal_code'),
      ('country', 'address_country_code'),
  ] -%}
  {%- for field, name in fields %}
        nullif(trim({{ json_text(json, json_path_parts(path) + [field]) }}), '') as {{ name }}{{ ',' if not loop.last }}
  {%- endfor %}
{%- endmacro %}


{#-
  A CatalogObject of any type, parsed into one set of columns (type-specific fields are null for other
  types). Used for top-level objects and, with `parent_item` (the ITEM's JSON), for the variations nested in
  an ITEM's item_data.variations[]: those belong to that item and are deleted with it.
-#}
{% macro square_catalog_object_columns(json, parent_item=none) -%}
  {%- set currency_code = square_currency(json, ['item_variation_data.price_money', 'modifier_data.price_money']) -%}
  {{ json_text(json, 'id') }} as catalog_object_id,
        {%- if parent_item %}
        coalesce(upper({{ json_text(json, 'type') }}), 'ITEM_VARIATION') as object_type,
        {%- else %}
        upper({{ json_text(json, 'type') }}) as object_type,
        {%- endif %}
        {%- if parent_item %}
        coalesce({{ json_boolean(json, 'is_deleted') }}, false)
            or coalesce({{ json_boolean(parent_item, 'is_deleted') }}, false) as is_deleted,
        {%- else %}
        coalesce({{ json_boolean(json, 'is_deleted') }}, false) as is_deleted,
        {%- endif %}
        {{ json_integer(json, 'version') }} as catalog_version,
        {{ collapse_whitespace('coalesce(' ~ [
            json_text(json, 'item_data.name'),
            json_text(json, 'item_variation_data.name'),
            json_text(json, 'modifier_data.name'),
            json_text(json, 'modifier_list_data.name'),
            json_text(json, 'category_data.name'),
        ] | join(', ') ~ ')') }} as object_name,
        nullif(trim(coalesce(
            {{ json_text(json, 'item_data.description_plaintext') }},
            {{ json_text(json, 'item_data.description') }}
        )), '') as description,
        {%- if parent_item %}
        coalesce({{ json_text(json, 'item_variation_data.item_id') }}, {{ json_text(parent_item, 'id') }}) as item_id,
        {%- else %}
        {{ json_text(json, 'item_variation_data.item_id') }} as item_id,
        {%- endif %}
        coalesce(
            {{ json_text(json, 'item_data.category_id') }},
            {{ json_text(json, 'item_data.reporting_category.id') }},
            {{ json_text(json, ['item_data', 'categories', 0, 'id']) }}
        ) as category_id,
        {{ json_text(json, 'item_data.product_type') }} as product_type,
        {{ json_text(json, 'modifier_data.modifier_list_id') }} as modifier_list_id,
        {{ json_text(json, 'item_variation_data.pricing_type') }} as pricing_type,
        nullif(trim({{ json_text(json, 'item_variation_data.sku') }}), '') as sku,
        {{ currency_code }} as currency_code,
        coalesce(
            {{ json_integer(json, 'item_variation_data.price_money.amount') }},
            {{ json_integer(json, 'modifier_data.price_money.amount') }}
        ) as price_minor,
        {{ minor_units_to_amount('coalesce(' ~ json_integer(json, 'item_variation_data.price_money.amount') ~ ', '
            ~ json_integer(json, 'modifier_data.price_money.amount') ~ ')', currency_code) }} as price,
        cast(round({{ json_numeric(json, 'item_variation_data.service_duration') }} / 60000) as {{ dbt.type_int() }}) as service_duration_minutes,
        {{ json_boolean(json, 'item_variation_data.available_for_booking') }} as is_available_for_booking,
        {{ json_boolean(json, 'present_at_all_locations') }} as is_present_at_all_locations,
        {{ rfc3339_to_timestamp(json_text(json, 'created_at')) }} as created_at,
        {%- if parent_item %}
        -- A variation deleted with its item changed when the item did.
        case
            when coalesce({{ json_boolean(parent_item, 'is_deleted') }}, false)
                and not coalesce({{ json_boolean(json, 'is_deleted') }}, false)
                then {{ rfc3339_to_timestamp(json_text(parent_item, 'updated_at')) }}
            else {{ rfc3339_to_timestamp(json_text(json, 'updated_at')) }}
        end as updated_at
        {%- else %}
        {{ rfc3339_to_timestamp(json_text(json, 'updated_at')) }} as updated_at
        {%- endif %}
{%- endmacro %}


{#-
  A catalog object's attributes, in column order. dim_square_catalog_items carries them per version, and a
  change to any of them opens a new version in int_square_catalog_object_versions_collapsed.
-#}
{% macro square_catalog_attributes() -%}
  {{ return([
      'object_type', 'object_name', 'description', 'item_id', 'category_id', 'product_type', 'modifier_list_id',
      'pricing_type', 'sku', 'currency_code', 'price_minor', 'price', 'service_duration_minutes',
      'is_available_for_booking', 'is_present_at_all_locations', 'is_deleted',
  ]) }}
{%- endmacro %}


{#-
  On an incremental build (a `watermark`), keeps only the rows of the orders in the model's
  `orders_to_rebuild` CTE (see square_orders_to_rebuild); on a full build, every row. `alias` names the
  relation being filtered, `instance_column` its merchant column.
-#}
{% macro where_order_is_rebuilt(alias, watermark, instance_column='_source_instance') -%}
  {%- if watermark is not none -%}
    where exists (
        select 1
        from orders_to_rebuild
        where orders_to_rebuild._source_instance = {{ alias }}.{{ instance_column }}
            and orders_to_rebuild.order_id = {{ alias }}.order_id
    )
  {%- endif -%}
{%- endmacro %}
