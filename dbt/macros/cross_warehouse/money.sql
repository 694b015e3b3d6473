{#-
  Minor units (Tock's *Cents fields) -> an exact decimal amount in currency units, rounded to the currency's
  two decimals. Tock names every money field *Cents whatever the currency; `decimal_places` is there for a
  source whose minor unit is not a hundredth. Plain SQL that PostgreSQL and BigQuery both read, so it needs no
  dispatch.
-#}
{% macro cents_to_amount(cents, decimal_places=2) -%}
  round(cast({{ cents }} as numeric) / {{ 10 ** decimal_places }}, {{ decimal_places }})
{%- endmacro %}


{#-
  ISO 4217 minor-unit exponent of a currency code (an SQL expression): 0 for zero-decimal currencies (JPY,
  KRW, CLP...), 3 for three-decimal ones (KWD, BHD, OMR...), 4 for CLF and UYW, else 2. Case-insensitive.
-#}
{% macro currency_exponent(currency_code) -%}
  {%- set exponents = [
      (0, ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']),
      (3, ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']),
      (4, ['CLF', 'UYW']),
  ] -%}
  (case
    {%- for exponent, codes in exponents %}
    when upper(trim({{ currency_code }})) in ('{{ codes | join("', '") }}') then {{ exponent }}
    {%- endfor %}
    else 2
  end)
{%- endmacro %}


{#-
  Minor units (an integer expression, e.g. Square's Money.amount) -> an exact decimal amount in units of the
  currency, with the currency's own number of decimals: 1234 JPY is 1234, 1234 USD is 12.34, 1234 KWD is
  1.234. Unknown or missing currency codes take 2 decimals.
-#}
{% macro minor_units_to_amount(minor_units, currency_code) -%}
  (case {{ currency_exponent(currency_code) }}
    when 0 then {{ cents_to_amount(minor_units, 0) }}
    when 3 then {{ cents_to_amount(minor_units, 3) }}
    when 4 then {{ cents_to_amount(minor_units, 4) }}
    else {{ cents_to_amount(minor_units, 2) }}
  end)
{%- endmacro %}


{#- A number rounded to a whole 64-bit integer (e.g. computed minor units: a price x a fractional quantity). -#}
{% macro round_to_bigint(number) -%}
  {{ return(adapter.dispatch('round_to_bigint', 'hospitality_elt')(number)) }}
{%- endmacro %}

{% macro postgres__round_to_bigint(number) -%}
  cast(round({{ number }}) as bigint)
{%- endmacro %}

{% macro bigquery__round_to_bigint(number) -%}
  cast(round({{ number }}) as int64)
{%- endmacro %}


{#-
  Money columns already in minor units as <name>_cents, as select items in pairs: <name>_cents, and
  <name><amount_suffix>, the amount in currency units: with `currency_code` (an expression) in that
  currency's own decimals, else in hundredths. Comma-separated, no trailing comma.
-#}
{% macro cents_and_amount_columns(names, currency_code=none, amount_suffix='') -%}
  {%- for name in names %}
        {{ name }}_cents,
        {% if currency_code -%}
        {{ minor_units_to_amount(name ~ '_cents', currency_code) }}
        {%- else -%}
        {{ cents_to_amount(name ~ '_cents') }}
        {%- endif %} as {{ name }}{{ amount_suffix }}{{ ',' if not loop.last }}
  {%- endfor %}
{%- endmacro %}
