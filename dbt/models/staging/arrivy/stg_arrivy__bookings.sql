{{ arrivy_latest_versions('booking', 'booking_id', [
    'booking_id', 'customer_id', 'group_id', 'external_id', 'url_safe_id',
    'title', 'details', 'booking_status', 'booking_source',
    'is_unscheduled', 'scheduled_start_at', 'scheduled_end_at', 'scheduled_start_local', 'scheduled_end_local',
    'scheduled_utc_offset', 'duration_minutes', 'is_time_window_displayed', 'time_window_minutes',
    'has_unexpected_datetime', 'start_datetime_raw', 'end_datetime_raw',
    'customer_first_name', 'customer_last_name', 'customer_email', 'customer_mobile_number',
    'customer_address_line_1', 'customer_city', 'customer_state', 'customer_postal_code', 'customer_country_code',
    'entity_ids_json', 'resource_ids_json', 'extra_fields_json',
]) }}
