with guest_versions as (

    select * from {{ ref('int_tock_guest_versions_collapsed') }}

),

versions_with_validity as (

    select
        *,
        lead(valid_from) over (
            partition by _source_instance, guest_id
            order by valid_from
        ) as valid_to

    from guest_versions

),

final as (

    select
        -- keys
        {{ surrogate_key(['_source_instance', 'guest_id', '_hash']) }} as guest_version_key,
        {{ surrogate_key(['_source_instance', 'guest_id']) }} as guest_key,
        _source_instance as source_instance,
        guest_id,
        guest_profile_id,

        -- attributes, as of this version
        {%- for column in tock_guest_attributes() %}
        {{ column }},
        {%- endfor %}
        created_at,

        -- validity: [valid_from, valid_to)
        valid_from,
        valid_to,
        valid_to is null as is_current,

        -- lineage
        _seq as raw_seq,
        _loaded_at as loaded_at

    from versions_with_validity

)

select * from final
