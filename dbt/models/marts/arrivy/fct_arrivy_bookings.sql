{{ config(
    partition_by={'field': 'scheduled_local_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['source_instance', 'booking_id'],
) }}

{#-
  On time: the crew reported STARTED (Arrivy has no "arrived") by the scheduled start plus the customer's
  arrival window when one is shown (time_window_start minutes), else plus a grace period.
-#}
{%- set grace_minutes = var('arrivy_on_time_grace_minutes', 15) %}

with bookings as (

    select * from {{ ref('stg_arrivy__bookings') }}

),

status_events as (

    select * from {{ ref('stg_arrivy__booking_status_events') }}

),

schedule_history as (

    select * from {{ ref('int_arrivy_booking_schedule_history') }}

),

crews as (

    select
        _source_instance,
        booking_id,
        count(*) as crew_size

    from {{ ref('stg_arrivy__booking_team_members') }}
    group by _source_instance, booking_id

),

status_milestones as (

    select
        _source_instance,
        booking_id,
        count(*) as status_event_count,
        min(case when status_type = 'ENROUTE' then reported_at end) as first_enroute_at,
        min(case when status_type = 'STARTED' then reported_at end) as first_started_at,
        min(case when status_type = 'COMPLETE' then reported_at end) as first_completed_at,
        max(case when status_type = 'CANCELLED' then reported_at end) as cancelled_at,
        sum(case when status_type in ('EXCEPTION', 'CUSTOMER_EXCEPTION') then 1 else 0 end) as exception_count,
        sum(case when status_type = 'RESCHEDULED' then 1 else 0 end) as rescheduled_report_count

    from status_events
    group by _source_instance, booking_id

),

latest_status_events as (

    {{ latest_version_per_key(
        'status_events',
        partition_by=['_source_instance', 'booking_id'],
        order_by=['reported_at desc nulls last', '_seq desc'],
    ) }}

),

bookings_with_history as (

    select
        bookings.*,
        -- the task's own current status; its latest report when the task sent none
        coalesce(bookings.booking_status, latest_status_events.status_type, 'NOTSTARTED') as current_status,
        coalesce(crews.crew_size, 0) as crew_size,
        schedule_history.first_scheduled_start_at,
        coalesce(schedule_history.schedule_change_count, 0) as schedule_change_count,
        coalesce(schedule_history.crew_change_count, 0) as crew_change_count,
        coalesce(status_milestones.status_event_count, 0) as status_event_count,
        status_milestones.first_enroute_at,
        status_milestones.first_started_at,
        status_milestones.first_completed_at,
        status_milestones.cancelled_at,
        coalesce(status_milestones.exception_count, 0) as exception_count,
        coalesce(status_milestones.rescheduled_report_count, 0) as rescheduled_report_count,
        {{ timestamp_add_minutes(
            'bookings.scheduled_start_at',
            'case when bookings.is_time_window_displayed and bookings.time_window_minutes > 0
                then bookings.time_window_minutes else ' ~ grace_minutes ~ ' end',
        ) }} as arrival_deadline_at

    from bookings
    left join crews
        on bookings._source_instance = crews._source_instance
        and bookings.booking_id = crews.booking_id
    left join schedule_history
        on bookings._source_instance = schedule_history._source_instance
        and bookings.booking_id = schedule_history.booking_id
    left join status_milestones
        on bookings._source_instance = status_milestones._source_instance
        and bookings.booking_id = status_milestones.booking_id
    left join latest_status_events
        on bookings._source_instance = latest_status_events._source_instance
        and bookings.booking_id = latest_status_events.booking_id

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'booking_id']) }} as booking_key,
        _source_instance as source_instance,
        booking_id,
        case when customer_id is not null then {{ surrogate_key(['_source_instance', 'customer_id']) }} end
            as customer_key,
        customer_id,
        external_id,

        -- booking
        title,
        booking_source,
        current_status as booking_status,

        -- schedule, as instants and on the business's wall clock (the original offset)
        is_unscheduled,
        scheduled_start_at,
        scheduled_end_at,
        scheduled_start_local,
        scheduled_end_local,
        cast(scheduled_start_local as date) as scheduled_local_date,
        scheduled_utc_offset,
        coalesce(
            duration_minutes,
            {{ round_to_bigint(timestamp_diff_seconds('scheduled_end_at', 'scheduled_start_at') ~ ' / 60') }}
        ) as scheduled_duration_minutes,
        is_time_window_displayed,
        time_window_minutes,
        has_unexpected_datetime,

        -- rescheduling
        first_scheduled_start_at,
        schedule_change_count,
        schedule_change_count > 0 or rescheduled_report_count > 0 as is_rescheduled,

        -- crew
        crew_size,
        crew_change_count,

        -- progress, from the status history
        status_event_count,
        first_enroute_at,
        first_started_at,
        first_completed_at,
        arrival_deadline_at,
        case
            when first_started_at is not null and scheduled_start_at is not null
                then first_started_at <= arrival_deadline_at
        end as is_on_time_arrival,
        round({{ timestamp_diff_seconds('first_started_at', 'scheduled_start_at') }} / 60, 1) as arrival_delay_minutes,
        case
            when first_completed_at >= first_started_at
                then round({{ timestamp_diff_seconds('first_completed_at', 'first_started_at') }} / 60, 1)
        end as actual_duration_minutes,
        first_completed_at is not null or current_status = 'COMPLETE' as is_completed,
        current_status = 'CANCELLED' as is_cancelled,
        cancelled_at,
        exception_count > 0 as has_exception,

        -- lineage
        _seq as raw_seq,
        _loaded_at as loaded_at

    from bookings_with_history

)

select * from final
