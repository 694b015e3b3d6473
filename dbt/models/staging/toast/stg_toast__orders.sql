{{ config(
    materialized='table',
    partition_by={'field': 'business_date', 'data_type': 'date', 'granularity': 'month'},
    cluster_by=['_source_instance', 'order_guid'],
) }}

{#-
  A table, not a view: the checks, selections, modifiers and payments models all unnest the checks of these
  rows, so the latest version of each order is picked once per build.
-#}

with order_versions as (

    select * from {{ ref('base_toast__order_versions') }}

),

latest_order_versions as (

    {{ latest_version_per_key(
        'order_versions',
        partition_by=['_source_instance', 'order_guid'],
        order_by=['modified_at desc nulls last', '_seq desc'],
    ) }}

)

select
    order_guid,
    external_id,
    dining_option_guid,
    revenue_center_guid,
    server_guid,
    order_source,
    number_of_guests,
    business_date,
    is_voided,
    voided_at,
    void_business_date,
    is_deleted,
    deleted_at,
    created_at,
    opened_at,
    modified_at,
    closed_at,
    paid_at,
    checks_json,
    _source_instance,
    _seq,
    _loaded_at

from latest_order_versions
