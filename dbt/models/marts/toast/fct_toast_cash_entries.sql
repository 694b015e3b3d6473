{{ config(
    partition_by={'field': 'business_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['source_instance', 'cash_drawer_guid'],
) }}

with cash_entries as (

    select * from {{ ref('stg_toast__cash_entries') }}

),

restaurants as (

    select * from {{ ref('stg_toast__restaurants') }}

),

undoing_entries as (

    -- An entry that undoes another cancels it: both stop counting.
    select
        _source_instance,
        undoes_cash_entry_guid as undone_cash_entry_guid,
        min(cash_entry_guid) as undone_by_cash_entry_guid

    from cash_entries
    where undoes_cash_entry_guid is not null
    group by _source_instance, undoes_cash_entry_guid

),

cash_entries_with_context as (

    select
        cash_entries.*,
        undoing_entries.undone_by_cash_entry_guid,
        cash_entries.undoes_cash_entry_guid is not null as is_undo,
        undoing_entries.undone_by_cash_entry_guid is not null as is_undone,
        -- the restaurant's business day ends at its closeout hour on its wall clock (UTC and midnight when
        -- the restaurant has not landed)
        coalesce(restaurants.time_zone, 'UTC') as time_zone,
        coalesce(restaurants.closeout_hour, 0) as closeout_hour,
        -- money into the drawer is positive, money out negative; no-sale and close-out entries move nothing
        case
            when cash_entries.entry_type = 'CASH_IN' then cash_entries.amount
            when cash_entries.entry_type in ('CASH_OUT', 'PAY_OUT', 'TIP_OUT', 'CASH_COLLECTED')
                then -cash_entries.amount
            else 0
        end as drawer_amount

    from cash_entries
    left join undoing_entries
        on cash_entries._source_instance = undoing_entries._source_instance
        and cash_entries.cash_entry_guid = undoing_entries.undone_cash_entry_guid
    left join restaurants
        on cash_entries._source_instance = restaurants._source_instance

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'cash_entry_guid']) }} as cash_entry_key,
        {{ surrogate_key(['_source_instance']) }} as restaurant_key,
        _source_instance as source_instance,
        cash_entry_guid,
        cash_drawer_guid,
        case
            when employee_guid is not null then {{ surrogate_key(['_source_instance', 'employee_guid']) }}
        end as employee_key,
        employee_guid,
        case
            when second_employee_guid is not null then {{ surrogate_key(['_source_instance', 'second_employee_guid']) }}
        end as second_employee_key,
        second_employee_guid,
        payout_reason_guid,
        no_sale_reason_guid,

        -- the entry
        entry_type,
        reason,
        amount,
        drawer_amount,

        -- undo
        undoes_cash_entry_guid,
        undone_by_cash_entry_guid,
        is_undo,
        is_undone,
        not (is_undo or is_undone) as is_effective,  -- noqa: LT01, LT06
        case when is_undo or is_undone then 0 else drawer_amount end as effective_drawer_amount,

        -- when
        entry_at,
        {{ timestamp_to_business_date('entry_at', 'time_zone', 'closeout_hour') }} as business_date,
        time_zone

    from cash_entries_with_context

)

select * from final
