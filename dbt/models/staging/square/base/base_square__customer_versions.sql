{#- Its tests read the raw versions landed since stg_square__customers was last built (see tests_on_new_rows.sql). -#}
{{ config(meta={'tests_on_rows_after': {'model': 'stg_square__customers', 'column': '_seq'}}) }}

with source as (

    select * from {{ fixture_backed_source('square', 'raw_square_customers') }}

),

customer_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'id') }} as customer_id,
        {{ json_integer('record', 'version') }} as customer_version,
        nullif(trim({{ json_text('record', 'reference_id') }}), '') as reference_id,

        -- person
        {{ square_person_columns('record') }},
        {{ collapse_whitespace(json_text('record', 'nickname')) }} as nickname,
        {{ collapse_whitespace(json_text('record', 'company_name')) }} as company_name,
        {{ json_text('record', 'birthday') }} as birthday,
        nullif(trim({{ json_text('record', 'note') }}), '') as note,

        -- postal address
        {{ square_address_columns('record') }},

        -- consent and provenance
        {{ json_boolean('record', 'preferences.email_unsubscribed') }} as is_email_unsubscribed,
        {{ json_text('record', 'creation_source') }} as creation_source,
        {{ json_value('record', 'group_ids') }} as group_ids_json,
        {{ json_value('record', 'segment_ids') }} as segment_ids_json,

        -- timestamps
        {{ rfc3339_to_timestamp(json_text('record', 'created_at')) }} as created_at,
        {{ rfc3339_to_timestamp(json_text('record', 'updated_at')) }} as updated_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from customer_versions
