{%- set columns = ['customer_id', 'owner_id'] %}
{%- do columns.extend(arrivy_customer_attributes()) %}
{%- do columns.append('extra_fields_json') %}

{{ arrivy_latest_versions('customer', 'customer_id', columns) }}
