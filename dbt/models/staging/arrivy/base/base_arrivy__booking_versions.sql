{#- Arrivy datetimes: the UTC copy read as UTC; when it has an unexpected layout, the instant of the original. -#}
{%- set start_original = json_text('record', 'start_datetime_original_iso_str') %}
{%- set end_original = json_text('record', 'end_datetime_original_iso_str') %}

with source as (

    select * from {{ fixture_backed_source('arrivy', 'raw_arrivy_tasks') }}

),

booking_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as booking_id,
        {{ json_text('record', 'customer_id') }} as customer_id,
        {{ json_text('record', 'group_id') }} as group_id,
        {{ collapse_whitespace(json_text('record', 'external_id')) }} as external_id,
        {{ json_text('record', 'url_safe_id') }} as url_safe_id,

        -- booking
        {{ collapse_whitespace(json_text('record', 'title')) }} as title,
        {{ collapse_whitespace(json_text('record', 'details')) }} as details,
        upper({{ collapse_whitespace(json_text('record', 'status')) }}) as booking_status,
        {{ collapse_whitespace(json_text('record', 'source')) }} as booking_source,

        -- schedule: instants, and the business's wall clock from the original offset
        {{ arrivy_utc_timestamp('record', 'start_datetime') }} as start_datetime_utc,
        {{ arrivy_utc_timestamp('record', 'end_datetime') }} as end_datetime_utc,
        {{ iso8601_to_timestamp(start_original) }} as start_original_at,
        {{ iso8601_to_timestamp(end_original) }} as end_original_at,
        {{ iso8601_wall_clock(start_original) }} as scheduled_start_local,
        {{ iso8601_wall_clock(end_original) }} as scheduled_end_local,
        {{ iso8601_offset(start_original) }} as scheduled_utc_offset,
        {{ json_text('record', 'start_datetime') }} as start_datetime_raw,
        {{ json_text('record', 'end_datetime') }} as end_datetime_raw,
        {{ start_original }} as start_datetime_original_raw,
        {{ json_integer('record', 'duration') }} as duration_minutes,
        coalesce({{ json_boolean('record', 'unscheduled') }}, false) as is_unscheduled_flag,
        coalesce({{ json_boolean('record', 'enable_time_window_display') }}, false) as is_time_window_displayed,
        {{ json_integer('record', 'time_window_start') }} as time_window_minutes,

        -- the task's own copy of its customer's contact
        {{ clean_name(json_text('record', 'customer_first_name')) }} as customer_first_name,
        {{ clean_name(json_text('record', 'customer_last_name')) }} as customer_last_name,
        {{ clean_email(json_text('record', 'customer_email')) }} as customer_email,
        {{ phone_e164(json_text('record', 'customer_mobile_number')) }} as customer_mobile_number,
        {{ collapse_whitespace(json_text('record', 'customer_address_line_1')) }} as customer_address_line_1,
        {{ collapse_whitespace(json_text('record', 'customer_city')) }} as customer_city,
        {{ collapse_whitespace(json_text('record', 'customer_state')) }} as customer_state,
        {{ collapse_whitespace(json_text('record', 'customer_zipcode')) }} as customer_postal_code,
        upper({{ collapse_whitespace(json_text('record', 'customer_country')) }}) as customer_country_code,

        -- arrays, unnested by stg_arrivy__booking_team_members
        {{ json_value('record', 'entity_ids') }} as entity_ids_json,
        {{ json_value('record', 'resource_ids') }} as resource_ids_json,
        {{ json_value('record', 'extra_fields') }} as extra_fields_json,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

),

final as (

    select
        *,
        coalesce(start_datetime_utc, start_original_at) as scheduled_start_at,
        coalesce(end_datetime_utc, end_original_at) as scheduled_end_at,
        -- no start at all: unscheduled, whatever the flag says
        is_unscheduled_flag or (start_datetime_raw is null and start_datetime_original_raw is null) as is_unscheduled,
        (start_datetime_raw is not null and start_datetime_utc is null)
            or (end_datetime_raw is not null and end_datetime_utc is null)
            or (start_datetime_original_raw is not null and scheduled_start_local is null) as has_unexpected_datetime

    from booking_versions

)

select * from final
