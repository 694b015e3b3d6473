with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_discounts') }}

),

discount_versions as (

    select
        _source_instance,
        {{ json_text('record', 'guid') }} as discount_guid,
        {{ collapse_whitespace(json_text('record', 'name')) }} as discount_name,
        coalesce({{ json_boolean('record', 'active') }}, false) as is_active,
        {{ json_text('record', 'type') }} as discount_type,
        {{ json_numeric('record', 'amount') }} as amount,
        {{ json_numeric('record', 'percentage') }} as percentage,
        {{ json_text('record', 'selectionType') }} as selection_type,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,
        {{ raw_landing_columns() }}

    from source

)

select * from discount_versions
