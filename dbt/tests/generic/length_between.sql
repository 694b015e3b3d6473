{#- Fails for every non-null text value shorter than min_length or longer than max_length characters. -#}
{% test length_between(model, column_name, min_length=none, max_length=none) %}

select {{ column_name }} as out_of_range_value
from {{ model }}
where {{ column_name }} is not null
  and (
    false
    {%- if min_length is not none %}
    or length({{ column_name }}) < {{ min_length }}
    {%- endif %}
    {%- if max_length is not none %}
    or length({{ column_name }}) > {{ max_length }}
    {%- endif %}
  )

{% endtest %}
