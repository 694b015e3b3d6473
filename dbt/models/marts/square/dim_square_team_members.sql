with team_members as (

    select * from {{ ref('stg_square__team_members') }}

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'team_member_id']) }} as team_member_key,
        _source_instance as source_instance,
        team_member_id,
        reference_id,

        -- person
        given_name,
        family_name,
        full_name,
        email_address,
        phone_number,
        phone_number_raw,

        -- role
        is_owner,
        team_member_status,
        team_member_status = 'ACTIVE' as is_active,
        location_assignment_type,

        -- timestamps
        created_at,
        updated_at

    from team_members

)

select * from final
