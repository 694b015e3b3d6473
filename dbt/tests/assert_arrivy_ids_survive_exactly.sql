{{ config(enabled=fixtures_enabled()) }}

{#-
  The Arrivy fixtures carry 16-digit ids above 2^53 as bare JSON numbers (and one as a JSON string). Rounded
  through a double, 9007199254740993 would read 9007199254740992: each must reach the models with its exact
  digits. Returns one row per expected id that is missing. Runs in fixtures mode only.
-#}
{%- set expected_ids = [
    ('stg_arrivy__customers', 'customer_id', '9007199254740993'),
    ('stg_arrivy__customers', 'owner_id', '9007285154086971'),
    ('dim_arrivy_customers', 'customer_id', '9007199254740993'),
    ('dim_arrivy_team_members', 'team_member_id', '9007216434610001'),
    ('dim_arrivy_team_members', 'group_id', '9007267974217857'),
    ('fct_arrivy_bookings', 'booking_id', '9007233614479425'),
    ('fct_arrivy_bookings', 'booking_id', '4503633991301787'),
    ('fct_arrivy_bookings', 'customer_id', '9007199254740993'),
    ('bridge_arrivy_booking_team_members', 'team_member_id', '9007216434610001'),
    ('stg_arrivy__booking_status_events', 'reporter_id', '9007285154086971'),
] %}

{{ missing_exact_ids(expected_ids) }}
