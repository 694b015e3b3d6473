with source as (

    select * from {{ fixture_backed_source('toast', 'raw_toast_cash_deposits') }}

),

cash_deposit_versions as (

    select
        -- keys
        _source_instance,
        {{ json_text('record', 'guid') }} as deposit_guid,
        {{ toast_reference('record', 'employee') }} as employee_guid,
        {{ toast_reference('record', 'undoes') }} as undoes_deposit_guid,

        -- the deposit
        {{ json_numeric('record', 'amount') }} as amount,
        {{ toast_timestamp('record', 'date') }} as deposited_at,

        -- landing metadata
        {{ raw_landing_columns() }}

    from source

)

select * from cash_deposit_versions
