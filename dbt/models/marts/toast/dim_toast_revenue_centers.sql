{{ config(cluster_by=['source_instance', 'revenue_center_guid']) }}

{#-
  Columns whose change opens a new version: toast_revenue_center_attributes(). modifiedDate alone and the landing
  columns do not. Extend, not +: dbt parses unit tests with project macros undefined, and an undefined value
  can be iterated but not added to.
-#}
{%- set tracked_columns = [] %}
{%- do tracked_columns.extend(toast_revenue_center_attributes()) %}

{{ toast_scd2_dimension('revenue_center', tracked_columns) }}
