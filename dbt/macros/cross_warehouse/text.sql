{#-
  Text: regular expressions, name and email cleaning, lenient number parsing.
  Patterns are written once for both warehouses, so they keep to what PostgreSQL (ARE) and BigQuery (RE2)
  read alike: bracket expressions ([0-9], [[:space:]], [.], [+]) instead of backslash escapes, and no single
  quotes (BigQuery gets the pattern as a raw string).
-#}

{% macro regexp_pattern_literal(pattern) -%}
  {%- if "'" in pattern or '\\' in pattern -%}
    {{ exceptions.raise_compiler_error("regexp pattern must not contain quotes or backslashes: " ~ pattern) }}
  {%- endif -%}
  '{{ pattern }}'
{%- endmacro %}


{#- True when the text matches the pattern anywhere (anchor it with ^ and $ for a whole match); null for null. -#}
{% macro regexp_like(text, pattern) -%}
  {{ return(adapter.dispatch('regexp_like', 'hospitality_elt')(text, pattern)) }}
{%- endmacro %}

{% macro postgres__regexp_like(text, pattern) -%}
  ({{ text }} ~ {{ regexp_pattern_literal(pattern) }})
{%- endmacro %}

{% macro bigquery__regexp_like(text, pattern) -%}
  regexp_contains({{ text }}, r{{ regexp_pattern_literal(pattern) }})
{%- endmacro %}


{#- Every match of the pattern replaced (replacement is a plain string literal's content). -#}
{% macro regexp_replace_all(text, pattern, replacement) -%}
  {{ return(adapter.dispatch('regexp_replace_all', 'hospitality_elt')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro postgres__regexp_replace_all(text, pattern, replacement) -%}
  regexp_replace({{ text }}, {{ regexp_pattern_literal(pattern) }}, '{{ replacement }}', 'g')
{%- endmacro %}

{% macro bigquery__regexp_replace_all(text, pattern, replacement) -%}
  regexp_replace({{ text }}, r{{ regexp_pattern_literal(pattern) }}, '{{ replacement }}')
{%- endmacro %}


{#- First letter of every word upper-cased, the rest lower-cased; words split at spaces, hyphens, apostrophes and
    dots. -#}
{% macro title_case(text) -%}
  {{ return(adapter.dispatch('title_case', 'hospitality_elt')(text)) }}
{%- endmacro %}

{#- PostgreSQL: under an ICU collation initcap keeps "o'brien" one word; a space after each apostrophe (taken
    out again afterwards) makes it "O'Brien", as BigQuery's delimiters do. -#}
{% macro postgres__title_case(text) -%}
  replace(replace(
    initcap(replace(replace({{ text }}, '''', ''' '), '’', '’ ')),
  ''' ', ''''), '’ ', '’')
{%- endmacro %}

{% macro bigquery__title_case(text) -%}
  initcap({{ text }}, " -'’.")
{%- endmacro %}


{#-
  Text whose case mapping (lower, upper, initcap) must follow Unicode: "garcía" title-cases to "García", not
  "GarcíA". PostgreSQL maps case by the collation, and a database created with the C locale (the embedded
  one) knows ASCII only, so the text gets an ICU collation: var postgres_unicode_collation, default
  'und-x-icu' (present wherever PostgreSQL is built with ICU; 'pg_c_utf8' on PostgreSQL 17+ and 'C.utf8' on
  most Linux servers work too). BigQuery's string functions are Unicode-aware already.
-#}
{% macro unicode_text(text) -%}
  {{ return(adapter.dispatch('unicode_text', 'hospitality_elt')(text)) }}
{%- endmacro %}

{% macro postgres__unicode_text(text) -%}
  ({{ text }} collate "{{ var('postgres_unicode_collation', 'und-x-icu') }}")
{%- endmacro %}

{% macro bigquery__unicode_text(text) -%}
  {{ text }}
{%- endmacro %}

{#- Back to the database's default collation, so that cleaned text compares with any other text. -#}
{% macro default_collation(text) -%}
  {{ return(adapter.dispatch('default_collation', 'hospitality_elt')(text)) }}
{%- endmacro %}

{% macro postgres__default_collation(text) -%}
  ({{ text }} collate "default")
{%- endmacro %}

{% macro bigquery__default_collation(text) -%}
  {{ text }}
{%- endmacro %}


{#- Trimmed, runs of whitespace collapsed to one space; null when nothing is left. -#}
{% macro collapse_whitespace(text) -%}
  nullif(trim({{ regexp_replace_all(text, '[[:space:]]+', ' ') }}), '')
{%- endmacro %}


{#-
  A person's name as people write it: trimmed, inner whitespace collapsed, and title-cased only when it was
  typed all in lower or all in upper case ("  aNA " stays as typed, "JOHN  o'brien" becomes "John O'Brien",
  "McDonald" and "van der Berg" keep their capitals). Null when blank.
-#}
{% macro clean_name(text) -%}
  {%- set collapsed = unicode_text(collapse_whitespace(text)) -%}
  {{ default_collation('case
    when ' ~ collapsed ~ ' = lower(' ~ collapsed ~ ') or ' ~ collapsed ~ ' = upper(' ~ collapsed ~ ')
      then ' ~ title_case(collapsed) ~ '
    else ' ~ collapsed ~ '
  end') }}
{%- endmacro %}


{#- An email address trimmed and lower-cased; null when blank. Not validated (a test checks for the '@'). -#}
{% macro clean_email(text) -%}
  {{ default_collation('lower(' ~ unicode_text("nullif(trim(" ~ text ~ "), '')") ~ ')') }}
{%- endmacro %}


{#- A decimal number written as text ("2", "1.5", " 3 "), or null when it is not one (no query error). -#}
{% macro text_to_numeric(text) -%}
  {{ return(adapter.dispatch('text_to_numeric', 'hospitality_elt')(text)) }}
{%- endmacro %}

{% macro postgres__text_to_numeric(text) -%}
  (case
    when {{ regexp_like('trim(' ~ text ~ ')', '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$') }}
      then cast(trim({{ text }}) as numeric)
  end)
{%- endmacro %}

{% macro bigquery__text_to_numeric(text) -%}
  safe_cast(trim({{ text }}) as numeric)
{%- endmacro %}
