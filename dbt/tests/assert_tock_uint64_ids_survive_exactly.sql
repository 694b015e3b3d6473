{{ config(enabled=fixtures_enabled()) }}

{#-
  The fixtures carry uint64 ids above 2^53 as bare JSON numbers. Rounded through a double they would read
  18446744073709552000 or 1.8446744073709552e+19: each must reach the models with its exact digits.
  Returns one row per expected id that is missing. Runs in fixtures mode only.
-#}

with expected_ids as (

    select 'stg_tock__guests.guest_id' as id_column, '18446744073709551615' as expected_id
    union all
    select 'stg_tock__reservations.reservation_id', '18446744072709551615'
    union all
    select 'stg_tock__reservations.owner_guest_id', '18446744073709551615'
    union all
    select 'stg_tock__reservation_payments.payment_id', '18446744072709551617'
    union all
    select 'stg_tock__guest_external_ids.external_id', '9007199254740993'
    union all
    select 'dim_tock_guests.guest_id', '18446744073709551615'
    union all
    select 'fct_tock_reservations.reservation_id', '18446744072709551615'

),

found_ids as (

    select 'stg_tock__guests.guest_id' as id_column, guest_id as found_id from {{ ref('stg_tock__guests') }}
    union all
    select 'stg_tock__reservations.reservation_id', reservation_id from {{ ref('stg_tock__reservations') }}
    union all
    select 'stg_tock__reservations.owner_guest_id', owner_guest_id from {{ ref('stg_tock__reservations') }}
    union all
    select 'stg_tock__reservation_payments.payment_id', payment_id from {{ ref('stg_tock__reservation_payments') }}
    union all
    select 'stg_tock__guest_external_ids.external_id', external_id from {{ ref('stg_tock__guest_external_ids') }}
    union all
    select 'dim_tock_guests.guest_id', guest_id from {{ ref('dim_tock_guests') }}
    union all
    select 'fct_tock_reservations.reservation_id', reservation_id from {{ ref('fct_tock_reservations') }}

)

select expected_ids.*
from expected_ids
left join found_ids
    on expected_ids.id_column = found_ids.id_column
    and expected_ids.expected_id = found_ids.found_id
where found_ids.found_id is null
