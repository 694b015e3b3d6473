{%- set time_original = json_text('record', 'time_original_iso_str') %}

with source as (

    select * from {{ fixture_backed_source('arrivy', 'raw_arrivy_task_statuses') }}

),

status_event_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as status_event_id,
        {{ json_text('record', 'task_id') }} as booking_id,

        -- the report
        upper({{ collapse_whitespace(json_text('record', 'type')) }}) as status_type,
        coalesce(
            {{ arrivy_utc_timestamp('record', 'time') }},
            {{ iso8601_to_timestamp(time_original) }}
        ) as reported_at,
        {{ iso8601_wall_clock(time_original) }} as reported_at_local,
        {{ iso8601_offset(time_original) }} as reported_utc_offset,
        {{ json_text('record', 'time') }} as reported_at_raw,
        {{ json_text('record', 'reporter_id') }} as reporter_id,
        {{ collapse_whitespace(json_text('record', 'reporter_name')) }} as reporter_name,
        {{ collapse_whitespace(json_text('record', 'source')) }} as report_source,
        {{ collapse_whitespace(
            'coalesce(' ~ json_text('record', 'notes') ~ ', ' ~ json_text('record', 'extra_fields.notes') ~ ')'
        ) }} as notes,
        {{ json_boolean('record', 'extra_fields.visible_to_customer') }} as is_visible_to_customer,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from status_event_versions
