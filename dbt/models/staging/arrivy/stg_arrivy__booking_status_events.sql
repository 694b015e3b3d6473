{{ arrivy_latest_versions('booking_status_event', 'status_event_id', [
    'status_event_id', 'booking_id', 'status_type', 'reported_at', 'reported_at_local', 'reported_utc_offset',
    'reported_at_raw', 'reporter_id', 'reporter_name', 'report_source', 'notes', 'is_visible_to_customer',
]) }}
