with time_entries as (

    select * from {{ ref('stg_toast__time_entries') }}

),

breaks as (

    select
        time_entries._source_instance,
        time_entries.time_entry_guid,
        shift_break.ordinal as break_position,
        {{ json_text('shift_break.value', 'guid') }} as break_guid,
        {{ toast_reference('shift_break.value', 'breakType') }} as break_type_guid,
        coalesce({{ json_boolean('shift_break.value', 'paid') }}, false) as is_paid,
        coalesce({{ json_boolean('shift_break.value', 'missed') }}, false) as is_missed,
        {{ toast_timestamp('shift_break.value', 'inDate') }} as break_start_at,
        {{ toast_timestamp('shift_break.value', 'outDate') }} as break_end_at

    from time_entries
    {{ unnest_json_array('time_entries.breaks_json', 'shift_break') }}

)

select
    *,
    -- null while the break is open (no outDate) and for a missed break that was never taken
    round({{ timestamp_diff_seconds('break_end_at', 'break_start_at') }} / 60, 2) as break_minutes

from breaks
