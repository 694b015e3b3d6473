{#-
  Minor units (Tock's *Cents fields) -> an exact decimal amount in currency units, rounded to the currency's
  two decimals. Tock names every money field *Cents whatever the currency; `decimal_places` is there for a
  source whose minor unit is not a hundredth. Plain SQL that PostgreSQL and BigQuery both read, so it needs no
  dispatch.
-#}
{% macro cents_to_amount(cents, decimal_places=2) -%}
  round(cast({{ cents }} as numeric) / {{ 10 ** decimal_places }}, {{ decimal_places }})
{%- endmacro %}
