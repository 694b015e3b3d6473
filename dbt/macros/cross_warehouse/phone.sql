{#-
  A phone number as typed -> E.164 ('+' and 10 to 15 digits), or null when no E.164 number can be read.
  Plain SQL over the regexp macros, so it needs no dispatch of its own.
    - a trailing extension ("x12", "ext. 12", "extension 12", "#12") is dropped;
    - punctuation and spaces are dropped;
    - written with a leading '+' or the international prefix 00: taken as country code + number (a +1 number
      must be a North American one: 1, then an area code 2-9, 10 digits after the 1);
    - 10 digits without a country code, area code 2-9: a North American number, +1 added (the assumption the
      spec makes for numbers without a country code); 11 digits starting with 1: the same with its 1;
    - anything else (7-digit local numbers, national numbers of other countries written with a trunk 0,
      letters): null. The number as typed stays in the model's *_raw column.
-#}
{% macro phone_e164(phone) -%}
  {%- set without_extension = regexp_replace_all(
      'lower(' ~ phone ~ ')', '[[:space:]]*(extension|ext[.]?|x|#)[[:space:]]*[0-9]+[[:space:]]*$', '') -%}
  {%- set digits = regexp_replace_all(without_extension, '[^0-9]', '') -%}
  {%- set international = '(1[2-9][0-9]{9}|[2-9][0-9]{9,14})' -%}
  (case
    when {{ regexp_like(phone, '^[[:space:]]*[+]') }}
      then case when {{ regexp_like(digits, '^' ~ international ~ '$') }} then '+' || {{ digits }} end
    when {{ regexp_like(digits, '^00' ~ international ~ '$') }} then '+' || substr({{ digits }}, 3)
    when {{ regexp_like(digits, '^[2-9][0-9]{9}$') }} then '+1' || {{ digits }}
    when {{ regexp_like(digits, '^1[2-9][0-9]{9}$') }} then '+' || {{ digits }}
  end)
{%- endmacro %}
