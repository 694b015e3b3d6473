{#- Fails for every non-null value outside [min_value, max_value] (bounds optional; exclusive when inclusive=false). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

{%- set lower_op = '<' if inclusive else '<=' %}
{%- set upper_op = '>' if inclusive else '>=' %}

select {{ column_name }} as out_of_range_value
from {{ model }}
where {{ column_name }} is not null
  and (
    false
    {%- if min_value is not none %}
    or {{ column_name }} {{ lower_op }} {{ min_value }}
    {%- endif %}
    {%- if max_value is not none %}
    or {{ column_name }} {{ upper_op }} {{ max_value }}
    {%- endif %}
  )

{% endtest %}
