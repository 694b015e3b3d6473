with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_dining_options') }}

),

dining_option_versions as (

    select
        _source_instance,
        {{ json_text('record', 'guid') }} as dining_option_guid,
        {{ collapse_whitespace(json_text('record', 'name')) }} as dining_option_name,
        {{ json_text('record', 'behavior') }} as behavior,
        coalesce({{ json_boolean('record', 'curbside') }}, false) as is_curbside,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,
        {{ raw_landing_columns() }}

    from source

)

select * from dining_option_versions
