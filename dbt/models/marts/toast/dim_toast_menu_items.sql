{{ config(cluster_by=['source_instance', 'menu_item_guid']) }}

{#-
  Columns whose change opens a new version: toast_menu_item_attributes(). modifiedDate alone and the landing
  columns do not. Extend, not +: dbt parses unit tests with project macros undefined, and an undefined value
  can be iterated but not added to.
-#}
{%- set tracked_columns = [] %}
{%- do tracked_columns.extend(toast_menu_item_attributes()) %}

{{ toast_scd2_dimension('menu_item', tracked_columns) }}
