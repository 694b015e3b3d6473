with cash_deposit_versions as (

    select * from {{ ref('base_toast__cash_deposit_versions') }}

),

latest_cash_deposit_versions as (

    -- Deposits carry no modifiedDate: the last landed version wins.
    {{ latest_version_per_key(
        'cash_deposit_versions',
        partition_by=['_source_instance', 'deposit_guid'],
        order_by=['_seq desc'],
    ) }}

)

select
    deposit_guid,
    employee_guid,
    undoes_deposit_guid,
    amount,
    deposited_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_cash_deposit_versions
