with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_cash_entries') }}

),

cash_entry_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'guid') }} as cash_entry_guid,
        {{ toast_reference('record', 'cashDrawer') }} as cash_drawer_guid,
        {{ toast_reference('record', 'employee1') }} as employee_guid,
        {{ toast_reference('record', 'employee2') }} as second_employee_guid,
        {{ toast_reference('record', 'payoutReason') }} as payout_reason_guid,
        {{ toast_reference('record', 'noSaleReason') }} as no_sale_reason_guid,
        {{ toast_reference('record', 'undoes') }} as undoes_cash_entry_guid,

        -- the entry
        {{ json_text('record', 'type') }} as entry_type,
        nullif(trim({{ json_text('record', 'reason') }}), '') as reason,
        {{ json_numeric('record', 'amount') }} as amount,
        {{ toast_timestamp('record', 'date') }} as entry_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from cash_entry_versions
