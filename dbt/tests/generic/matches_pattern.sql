{#-
  Fails for every non-null value that does not match the regular expression (anywhere in the value: anchor it
  with ^ and $ for a whole match). Patterns follow the regexp_like macro's rules: bracket expressions, no
  backslashes or quotes.
-#}
{% test matches_pattern(model, column_name, pattern) %}

select {{ column_name }} as non_matching_value
from {{ model }}
where {{ column_name }} is not null
  and not {{ regexp_like(column_name, pattern) }}

{% endtest %}
