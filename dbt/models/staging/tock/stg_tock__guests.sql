with guest_versions as (

    select * from {{ ref('base_tock__guest_versions') }}

),

latest_guest_versions as (

    {#- Superseded snapshots (nextGuestProfileId set) never win over a live version; then the latest edit
        (updatedAt, or the load time when Tock sent none, as in dim_tock_guests); then the latest load. -#}
    {{ latest_version_per_key(
        'guest_versions',
        partition_by=['_source_instance', 'guest_id'],
        order_by=[
            'case when is_superseded then 1 else 0 end',
            'coalesce(updated_at, _loaded_at) desc',
            '_seq desc',
        ],
    ) }}

)

select
    guest_id,
    guest_profile_id,
    business_group_id,
    {%- for column in tock_guest_attributes() %}
    {{ column }},
    {%- endfor %}
    created_at,
    updated_at,
    dietary_restrictions_json,
    hospitality_preferences_json,
    tags_json,
    business_guest_profiles_json,
    attributes_json,
    _source_instance,
    _seq,
    _loaded_at

from latest_guest_versions
