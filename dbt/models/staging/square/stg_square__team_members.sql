with team_member_versions as (

    select * from {{ ref('base_square__team_member_versions') }}

),

latest_team_member_versions as (

    {{ latest_version_per_key(
        'team_member_versions',
        partition_by=['_source_instance', 'team_member_id'],
        order_by=['updated_at desc nulls last', '_seq desc'],
    ) }}

)

select
    team_member_id,
    reference_id,
    given_name,
    family_name,
    full_name,
    email_address,
    phone_number_raw,
    phone_number,
    is_owner,
    team_member_status,
    location_assignment_type,
    assigned_location_ids_json,
    created_at,
    updated_at,
    _source_instance,
    _seq,
    _loaded_at

from latest_team_member_versions
