{{ config(cluster_by=['source_instance', 'restaurant_guid']) }}

{#-
  Columns whose change opens a new version: toast_restaurant_attributes(). modifiedDate alone and the landing
  columns do not. Extend, not +: dbt parses unit tests with project macros undefined, and an undefined value
  can be iterated but not added to. The restaurant is the source instance: its key is made from
  _source_instance alone, as the facts make it.
-#}
{%- set tracked_columns = [] %}
{%- do tracked_columns.extend(toast_restaurant_attributes()) %}

{{ toast_scd2_dimension('restaurant', tracked_columns, key_columns=['_source_instance']) }}
