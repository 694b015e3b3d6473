{#-
  Fails for every non-null date or timestamp before `not_before` (a 'YYYY-MM-DD' date) or, unless
  allow_future, on a day after today (dates compared by calendar day, so a timestamp later today passes).
-#}
{% test date_in_range(model, column_name, not_before='2015-01-01', allow_future=false) %}

select {{ column_name }} as out_of_range_value
from {{ model }}
where {{ column_name }} is not null
  and (
    cast({{ column_name }} as date) < cast('{{ not_before }}' as date)
    {%- if not allow_future %}
    or cast({{ column_name }} as date) > cast({{ dbt.current_timestamp() }} as date)
    {%- endif %}
  )

{% endtest %}
