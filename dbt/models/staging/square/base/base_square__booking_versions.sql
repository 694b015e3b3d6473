{#- Its tests read the raw versions landed since stg_square__bookings was last built (see tests_on_new_rows.sql). -#}
{{ config(meta={'tests_on_rows_after': {'model': 'stg_square__bookings', 'column': '_seq'}}) }}

with source as (

    select * from {{ fixture_backed_source('square', 'raw_square_bookings') }}

),

booking_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as booking_id,
        {{ json_integer('record', 'version') }} as booking_version,
        {{ json_text('record', 'location_id') }} as location_id,
        {{ json_text('record', 'customer_id') }} as customer_id,

        -- descriptors
        {{ json_text('record', 'status') }} as booking_status,
        {{ json_text('record', 'source') }} as booking_source,
        {{ json_text('record', 'location_type') }} as location_type,
        {{ json_text('record', 'creator_details.creator_type') }} as creator_type,
        {{ json_text('record', 'creator_details.team_member_id') }} as creator_team_member_id,
        nullif(trim({{ json_text('record', 'customer_note') }}), '') as customer_note,
        nullif(trim({{ json_text('record', 'seller_note') }}), '') as seller_note,
        {{ json_integer('record', 'transition_time_minutes') }} as transition_time_minutes,

        -- timestamps
        {{ rfc3339_to_timestamp(json_text('record', 'start_at')) }} as start_at,
        {{ rfc3339_to_timestamp(json_text('record', 'created_at')) }} as created_at,
        {{ rfc3339_to_timestamp(json_text('record', 'updated_at')) }} as updated_at,

        -- nested arrays, unnested by stg_square__booking_segments
        {{ json_value('record', 'appointment_segments') }} as appointment_segments_json,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from booking_versions
