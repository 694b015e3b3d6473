{{ config(enabled=fixtures_enabled()) }}

{#-
  The fixtures carry uint64 ids above 2^53 as bare JSON numbers. Rounded through a double they would read
  18446744073709552000 or 1.8446744073709552e+19: each must reach the models with its exact digits.
  Returns one row per expected id that is missing. Runs in fixtures mode only.
-#}
{%- set expected_ids = [
    ('stg_tock__guests', 'guest_id', '18446744073709551615'),
    ('stg_tock__reservations', 'reservation_id', '18446744072709551615'),
    ('stg_tock__reservations', 'owner_guest_id', '18446744073709551615'),
    ('stg_tock__reservation_payments', 'payment_id', '18446744072709551617'),
    ('stg_tock__guest_external_ids', 'external_id', '9007199254740993'),
    ('dim_tock_guests', 'guest_id', '18446744073709551615'),
    ('fct_tock_reservations', 'reservation_id', '18446744072709551615'),
] %}

{{ missing_exact_ids(expected_ids) }}
