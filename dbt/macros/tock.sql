{#-
  A Tock guest's profile attributes, in column order. dim_tock_guests carries them per version, and a change
  to any of them opens a new version in int_tock_guest_versions_collapsed: one list, so that no attribute
  the dimension shows can change without a version of its own.
-#}
{% macro tock_guest_attributes() -%}
  {{ return([
      'first_name', 'last_name', 'email', 'phone', 'phone_country_code', 'zip_code', 'iso_country_code',
      'address_line_1', 'address_line_2', 'address_city', 'address_state', 'address_country', 'address_zip_code',
      'opt_in_source', 'is_tock_verified', 'is_archived',
  ]) }}
{%- endmacro %}
