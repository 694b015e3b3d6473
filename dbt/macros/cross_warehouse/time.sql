{#- Time conversions. Timestamps are instants: PostgreSQL timestamptz, BigQuery TIMESTAMP. -#}

{#- Epoch milliseconds (a number expression) -> timestamp, exact to the millisecond. -#}
{% macro epoch_ms_to_timestamp(epoch_ms) -%}
  {{ return(adapter.dispatch('epoch_ms_to_timestamp', 'hospitality_elt')(epoch_ms)) }}
{%- endmacro %}

{% macro postgres__epoch_ms_to_timestamp(epoch_ms) -%}
  (timestamptz 'epoch' + cast({{ epoch_ms }} as numeric) * interval '1 millisecond')
{%- endmacro %}

{% macro bigquery__epoch_ms_to_timestamp(epoch_ms) -%}
  timestamp_millis(cast({{ epoch_ms }} as int64))
{%- endmacro %}


{#- Timestamp -> the calendar date on the wall clock of an IANA time zone (an expression or a quoted literal). -#}
{% macro timestamp_to_local_date(ts, time_zone) -%}
  {{ return(adapter.dispatch('timestamp_to_local_date', 'hospitality_elt')(ts, time_zone)) }}
{%- endmacro %}

{% macro postgres__timestamp_to_local_date(ts, time_zone) -%}
  cast(({{ ts }}) at time zone ({{ time_zone }}) as date)
{%- endmacro %}

{% macro bigquery__timestamp_to_local_date(ts, time_zone) -%}
  date({{ ts }}, {{ time_zone }})
{%- endmacro %}


{#- Timestamp -> the time of day on the wall clock of an IANA time zone. -#}
{% macro timestamp_to_local_time(ts, time_zone) -%}
  {{ return(adapter.dispatch('timestamp_to_local_time', 'hospitality_elt')(ts, time_zone)) }}
{%- endmacro %}

{% macro postgres__timestamp_to_local_time(ts, time_zone) -%}
  cast(({{ ts }}) at time zone ({{ time_zone }}) as time)
{%- endmacro %}

{% macro bigquery__timestamp_to_local_time(ts, time_zone) -%}
  time({{ ts }}, {{ time_zone }})
{%- endmacro %}
