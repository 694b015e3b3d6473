{{ config(
    partition_by={'field': 'business_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['source_instance', 'deposit_guid'],
) }}

with cash_deposits as (

    select * from {{ ref('stg_toast__cash_deposits') }}

),

restaurants as (

    select * from {{ ref('stg_toast__restaurants') }}

),

undoing_deposits as (

    -- A deposit that undoes another cancels it: both stop counting.
    select
        _source_instance,
        undoes_deposit_guid as undone_deposit_guid,
        min(deposit_guid) as undone_by_deposit_guid

    from cash_deposits
    where undoes_deposit_guid is not null
    group by _source_instance, undoes_deposit_guid

),

cash_deposits_with_context as (

    select
        cash_deposits.*,
        undoing_deposits.undone_by_deposit_guid,
        cash_deposits.undoes_deposit_guid is not null as is_undo,
        undoing_deposits.undone_by_deposit_guid is not null as is_undone,
        coalesce(restaurants.time_zone, 'UTC') as time_zone,
        coalesce(restaurants.closeout_hour, 0) as closeout_hour

    from cash_deposits
    left join undoing_deposits
        on cash_deposits._source_instance = undoing_deposits._source_instance
        and cash_deposits.deposit_guid = undoing_deposits.undone_deposit_guid
    left join restaurants
        on cash_deposits._source_instance = restaurants._source_instance

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'deposit_guid']) }} as cash_deposit_key,
        {{ surrogate_key(['_source_instance']) }} as restaurant_key,
        _source_instance as source_instance,
        deposit_guid,
        case
            when employee_guid is not null then {{ surrogate_key(['_source_instance', 'employee_guid']) }}
        end as employee_key,
        employee_guid,

        -- the deposit
        amount,

        -- undo
        undoes_deposit_guid,
        undone_by_deposit_guid,
        is_undo,
        is_undone,
        not (is_undo or is_undone) as is_effective,  -- noqa: LT01, LT06
        case when is_undo or is_undone then 0 else amount end as effective_amount,

        -- when
        deposited_at,
        {{ timestamp_to_business_date('deposited_at', 'time_zone', 'closeout_hour') }} as business_date,
        time_zone

    from cash_deposits_with_context

)

select * from final
