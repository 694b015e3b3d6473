with cash_entry_versions as (

    select * from {{ ref('base_toast__cash_entry_versions') }}

),

latest_cash_entry_versions as (

    -- Cash entries carry no modifiedDate: the last landed version wins.
    {{ latest_version_per_key(
        'cash_entry_versions',
        partition_by=['_source_instance', 'cash_entry_guid'],
        order_by=['_seq desc'],
    ) }}

)

select
    cash_entry_guid,
    cash_drawer_guid,
    employee_guid,
    second_employee_guid,
    payout_reason_guid,
    no_sale_reason_guid,
    undoes_cash_entry_guid,
    entry_type,
    reason,
    amount,
    entry_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_cash_entry_versions
