{#-
  Columns whose change opens a new version: the profile id and the guest attributes. Everything else Tock sends
  (notes, spend, tags...) does not. Extend, not +: dbt parses unit tests with project macros undefined, and an
  undefined value can be iterated but not added to.
-#}
{%- set tracked_columns = ['guest_profile_id'] %}
{%- do tracked_columns.extend(tock_guest_attributes()) %}

with guest_versions as (

    select * from {{ ref('base_tock__guest_versions') }}

),

versions_with_validity as (

    select
        *,
        coalesce(updated_at, _loaded_at) as version_valid_from,
        {{ surrogate_key(tracked_columns) }} as tracked_columns_hash,
        max(case when is_superseded then 0 else 1 end) over (
            partition by _source_instance, guest_id
        ) as guest_has_live_version

    from guest_versions

),

live_versions as (

    -- A superseded snapshot (nextGuestProfileId set) repeats an old profile with isArchived=true; its
    -- successor's version marks the change, so it is dropped, unless no successor ever landed.
    select *
    from versions_with_validity
    where not is_superseded or guest_has_live_version = 0

),

changed_versions as (

    -- Versions sharing a valid_from (same updatedAt, or none and landed in the same run): the last landed wins.
    -- Then consecutive versions with identical tracked columns collapse into the first of them.
    {{ collapse_unchanged_versions(
        'live_versions',
        partition_by=['_source_instance', 'guest_id'],
        instant_order_by=['_seq desc'],
    ) }}

),

collapsed_versions as (

    select
        _source_instance,
        guest_id,
        {%- for column in tracked_columns %}
        {{ column }},
        {%- endfor %}
        created_at,
        updated_at,
        version_valid_from as valid_from,
        _seq,
        _hash,
        _loaded_at

    from changed_versions

)

select * from collapsed_versions
