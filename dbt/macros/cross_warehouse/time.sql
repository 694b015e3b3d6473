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


{#-
  An RFC 3339 timestamp string ('2024-03-20T17:05:00Z', '2024-03-20T10:05:00.123-07:00') -> timestamp.
  Null when the text is missing or not an RFC 3339 date-time with an offset, rather than a failed query.
-#}
{% macro rfc3339_to_timestamp(text) -%}
  {{ return(adapter.dispatch('rfc3339_to_timestamp', 'hospitality_elt')(text)) }}
{%- endmacro %}

{% macro rfc3339_pattern() -%}
  {{ return('^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$') }}
{%- endmacro %}

{% macro postgres__rfc3339_to_timestamp(text) -%}
  (case when {{ regexp_like(text, rfc3339_pattern()) }} then cast({{ text }} as timestamptz) end)
{%- endmacro %}

{% macro bigquery__rfc3339_to_timestamp(text) -%}
  (case when {{ regexp_like(text, rfc3339_pattern()) }} then safe_cast({{ text }} as timestamp) end)
{%- endmacro %}


{#- A timestamp plus a number of minutes (an integer expression). -#}
{% macro timestamp_add_minutes(ts, minutes) -%}
  {{ return(adapter.dispatch('timestamp_add_minutes', 'hospitality_elt')(ts, minutes)) }}
{%- endmacro %}

{% macro postgres__timestamp_add_minutes(ts, minutes) -%}
  ({{ ts }} + cast({{ minutes }} as bigint) * interval '1 minute')
{%- endmacro %}

{% macro bigquery__timestamp_add_minutes(ts, minutes) -%}
  timestamp_add({{ ts }}, interval cast({{ minutes }} as int64) minute)
{%- endmacro %}


{#-
  An ISO 8601 timestamp string with an offset, in the extended form RFC 3339 uses ('2025-01-05T18:03:11.123Z',
  '...+00:00') or in the basic form Toast sends ('2025-01-05T18:03:11.123+0000', '...-0500', '...+01')
  -> timestamp. Null when the text is missing or not such a timestamp, rather than a failed query.
-#}
{% macro iso8601_to_timestamp(text) -%}
  {{ return(adapter.dispatch('iso8601_to_timestamp', 'hospitality_elt')(text)) }}
{%- endmacro %}

{% macro iso8601_pattern() -%}
  {#- date and time of day, then fraction of a second and offset -#}
  {{ return('^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}'
    ~ '([.][0-9]+)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
{%- endmacro %}

{% macro postgres__iso8601_to_timestamp(text) -%}
  (case when {{ regexp_like(text, iso8601_pattern()) }} then cast({{ text }} as timestamptz) end)
{%- endmacro %}

{#- BigQuery reads offsets as +HH[:MM]: a basic-form +HHMM gets its colon. -#}
{% macro bigquery__iso8601_to_timestamp(text) -%}
  (case when {{ regexp_like(text, iso8601_pattern()) }}
    then safe_cast(regexp_replace({{ text }}, r'([+-][0-9]{2})([0-9]{2})$', r'\1:\2') as timestamp)
  end)
{%- endmacro %}


{#- A calendar date written yyyymmdd (text such as '20250105', or an integer expression cast to text) -> date;
    null when the text is not 8 digits. -#}
{% macro yyyymmdd_to_date(text) -%}
  {{ return(adapter.dispatch('yyyymmdd_to_date', 'hospitality_elt')(text)) }}
{%- endmacro %}

{% macro postgres__yyyymmdd_to_date(text) -%}
  (case when {{ regexp_like(text, '^[0-9]{8}$') }} then to_date({{ text }}, 'YYYYMMDD') end)
{%- endmacro %}

{% macro bigquery__yyyymmdd_to_date(text) -%}
  (case when {{ regexp_like(text, '^[0-9]{8}$') }} then safe.parse_date('%Y%m%d', {{ text }}) end)
{%- endmacro %}


{#- Seconds from `start_ts` to `end_ts` (timestamps) as an exact decimal, milliseconds kept; negative when
    end_ts is earlier, null when either is null. -#}
{% macro timestamp_diff_seconds(end_ts, start_ts) -%}
  {{ return(adapter.dispatch('timestamp_diff_seconds', 'hospitality_elt')(end_ts, start_ts)) }}
{%- endmacro %}

{% macro postgres__timestamp_diff_seconds(end_ts, start_ts) -%}
  cast(extract(epoch from ({{ end_ts }}) - ({{ start_ts }})) as numeric)
{%- endmacro %}

{% macro bigquery__timestamp_diff_seconds(end_ts, start_ts) -%}
  (cast(timestamp_diff({{ end_ts }}, {{ start_ts }}, millisecond) as numeric) / 1000)
{%- endmacro %}


{#-
  The wall clock written in an ISO 8601 timestamp with an offset, the offset dropped
  ('2025-03-05T07:00:00-08:00' -> 2025-03-05 07:00:00): the date and time as people there read them, as a
  date-time without zone (PostgreSQL timestamp, BigQuery DATETIME). Null when the text is not such a timestamp.
-#}
{% macro iso8601_wall_clock(text) -%}
  {{ return(adapter.dispatch('iso8601_wall_clock', 'hospitality_elt')(text)) }}
{%- endmacro %}

{% macro postgres__iso8601_wall_clock(text) -%}
  (case when {{ regexp_like(text, iso8601_pattern()) }} then cast(substr({{ text }}, 1, 19) as timestamp) end)
{%- endmacro %}

{% macro bigquery__iso8601_wall_clock(text) -%}
  (case when {{ regexp_like(text, iso8601_pattern()) }} then safe_cast(substr({{ text }}, 1, 19) as datetime) end)
{%- endmacro %}


{#- The date and time of an ISO 8601 timestamp, up to where a zone designator would start (anchored at the start
    only: append '$' for a timestamp without zone). -#}
{% macro iso8601_date_time_pattern() -%}
  {{ return('^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?') }}
{%- endmacro %}


{#- The UTC offset written in an ISO 8601 timestamp, as text ('-08:00', '+0530', 'Z'); null when the text is not
    such a timestamp. Plain SQL over the regexp macros. -#}
{% macro iso8601_offset(text) -%}
  (case when {{ regexp_like(text, iso8601_pattern()) }}
    then {{ regexp_replace_all(text, iso8601_date_time_pattern(), '') }}
  end)
{%- endmacro %}


{#-
  Timestamp -> its UTC instant as fixed text (2024-03-01T17:05:09.123456Z), for keys: a plain cast to text
  follows the session time zone on PostgreSQL, so the same instant would hash differently per session.
-#}
{% macro timestamp_utc_text(ts) -%}
  {{ return(adapter.dispatch('timestamp_utc_text', 'hospitality_elt')(ts)) }}
{%- endmacro %}

{% macro postgres__timestamp_utc_text(ts) -%}
  to_char(({{ ts }}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
{%- endmacro %}

{% macro bigquery__timestamp_utc_text(ts) -%}
  format_timestamp('%Y-%m-%dT%H:%M:%E6SZ', {{ ts }}, 'UTC')
{%- endmacro %}


{#-
  Timestamp -> the business day it belongs to, for a business whose day ends at `closeout_hour` on its own
  wall clock (4: sales until 03:59 count for the day before). The hours are taken off the local wall time,
  not the UTC instant, so the day a clock changes is right too.
-#}
{% macro timestamp_to_business_date(ts, time_zone, closeout_hour) -%}
  {{ return(adapter.dispatch('timestamp_to_business_date', 'hospitality_elt')(ts, time_zone, closeout_hour)) }}
{%- endmacro %}

{% macro postgres__timestamp_to_business_date(ts, time_zone, closeout_hour) -%}
  cast((({{ ts }}) at time zone ({{ time_zone }})) - ({{ closeout_hour }}) * interval '1 hour' as date)
{%- endmacro %}

{% macro bigquery__timestamp_to_business_date(ts, time_zone, closeout_hour) -%}
  date(datetime_sub(datetime({{ ts }}, {{ time_zone }}), interval {{ closeout_hour }} hour))
{%- endmacro %}
