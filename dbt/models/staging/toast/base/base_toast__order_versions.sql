with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_orders') }}

),

order_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'guid') }} as order_guid,
        nullif(trim({{ json_text('record', 'externalId') }}), '') as external_id,
        {{ toast_reference('record', 'diningOption') }} as dining_option_guid,
        {{ toast_reference('record', 'revenueCenter') }} as revenue_center_guid,
        {{ toast_reference('record', 'server') }} as server_guid,

        -- descriptors
        {{ json_text('record', 'source') }} as order_source,
        {{ json_integer('record', 'numberOfGuests') }} as number_of_guests,
        {{ toast_business_date('record', 'businessDate') }} as business_date,

        -- voids and deletions
        coalesce({{ json_boolean('record', 'voided') }}, false) as is_voided,
        {{ toast_timestamp('record', 'voidDate') }} as voided_at,
        {{ toast_business_date('record', 'voidBusinessDate') }} as void_business_date,
        coalesce({{ json_boolean('record', 'deleted') }}, false) as is_deleted,
        {{ toast_timestamp('record', 'deletedDate') }} as deleted_at,

        -- timestamps
        {{ toast_timestamp('record', 'createdDate') }} as created_at,
        {{ toast_timestamp('record', 'openedDate') }} as opened_at,
        {{ toast_timestamp('record', 'modifiedDate') }} as modified_at,
        {{ toast_timestamp('record', 'closedDate') }} as closed_at,
        {{ toast_timestamp('record', 'paidDate') }} as paid_at,

        -- nested checks, unnested by stg_toast__checks
        {{ json_value('record', 'checks') }} as checks_json,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from order_versions
