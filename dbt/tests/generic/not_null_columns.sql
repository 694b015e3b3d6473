{#-
  Fails for every row with a null in any of `columns`, flagging which: a model's keys and required columns
  checked in one pass and one test (dbt runs a node per test, and a daily build of a few hundred rows spends
  more on nodes than on its SQL).
-#}
{% test not_null_columns(model, columns) %}

select
    {%- for column in columns %}
    {{ column }} is null as {{ column }}_is_null{{ ',' if not loop.last }}
    {%- endfor %}
from {{ model }}
where {% for column in columns %}{{ ' or ' if not loop.first }}{{ column }} is null{% endfor %}

{% endtest %}
