{{ config(cluster_by=['source_instance', 'customer_id']) }}

{#- A change to any customer attribute (deletion included) or to its custom fields opens a new version. Extend,
    not +: dbt parses unit tests with project macros undefined. -#}
{%- set tracked_columns = [] %}
{%- do tracked_columns.extend(arrivy_customer_attributes()) %}

{{ arrivy_scd2_dimension('customer', 'customer_id', tracked_columns) }}
