{{ config(cluster_by=['source_instance', 'customer_id']) }}

{#-
  Valid from Commerce7's updatedAt (when the version was saved), so a version landed late takes its place in
  time. The first version known is valid from the customer's creation: Commerce7 keeps no history, and the
  earliest version stands for the customer's past, so an as-of join finds a row for every order placed since
  the customer was created. Changes to fields not tracked (updatedAt alone, fields not read) open no row.
-#}
{%- set saved_at = 'coalesce(updated_at, _loaded_at)' %}

{{ scd2_dimension(
    ref('base_commerce7__customer_versions'),
    'customer',
    'customer_id',
    valid_from='case when ' ~ saved_at ~ ' = min(' ~ saved_at ~ ') over (partition by _source_instance, customer_id)'
        ~ ' then coalesce(least(created_at, ' ~ saved_at ~ '), ' ~ saved_at ~ ') else ' ~ saved_at ~ ' end',
    tracked_columns=[
        'tock_patron_id', 'first_name', 'last_name', 'email', 'phone_number', 'email_marketing_status',
        'address_city', 'address_state_code', 'address_postal_code', 'address_country_code',
    ],
    tracked_expressions=[
        json_to_string('emails_json'), json_to_string('phones_json'), json_to_string('groups_json'),
        json_to_string('meta_data_json'),
    ],
    extra_columns=['emails_json', 'phones_json', 'groups_json', 'meta_data_json', 'created_at', 'updated_at'],
) }}
