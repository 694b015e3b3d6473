{#-
  What the landed versions of each task tell about its history: the first start it was seen with, how often
  the start moved (a reschedule; a task getting its first start is not one) and how often its crew changed.
  Versions are in landing order (Arrivy sends no modification time).
-#}
with booking_versions as (

    -- Only what is compared: the base view parses every column of every version otherwise.
    select _source_instance, booking_id, _seq, scheduled_start_at, entity_ids_json
    from {{ ref('base_arrivy__booking_versions') }}

),

scheduled_versions as (

    select
        _source_instance,
        booking_id,
        scheduled_start_at,
        row_number() over (partition by _source_instance, booking_id order by _seq) as scheduled_version_number,
        lag(scheduled_start_at) over (partition by _source_instance, booking_id order by _seq) as previous_start_at

    from booking_versions
    where scheduled_start_at is not null

),

schedule_changes as (

    select
        _source_instance,
        booking_id,
        min(case when scheduled_version_number = 1 then scheduled_start_at end) as first_scheduled_start_at,
        sum(case when scheduled_start_at <> previous_start_at then 1 else 0 end) as schedule_change_count

    from scheduled_versions
    group by _source_instance, booking_id

),

crew_versions as (

    select
        _source_instance,
        booking_id,
        {{ json_to_string('entity_ids_json') }} as crew_text,
        lag({{ json_to_string('entity_ids_json') }}) over (
            partition by _source_instance, booking_id
            order by _seq
        ) as previous_crew_text,
        row_number() over (partition by _source_instance, booking_id order by _seq) as version_number

    from booking_versions

),

crew_changes as (

    select
        _source_instance,
        booking_id,
        count(*) as version_count,
        sum(
            case
                when version_number > 1
                    and coalesce(crew_text, '[]') <> coalesce(previous_crew_text, '[]') then 1
                else 0
            end
        ) as crew_change_count

    from crew_versions
    group by _source_instance, booking_id

),

final as (

    select
        crew_changes._source_instance,
        crew_changes.booking_id,
        crew_changes.version_count,
        schedule_changes.first_scheduled_start_at,
        coalesce(schedule_changes.schedule_change_count, 0) as schedule_change_count,
        crew_changes.crew_change_count

    from crew_changes
    left join schedule_changes
        on crew_changes._source_instance = schedule_changes._source_instance
        and crew_changes.booking_id = schedule_changes.booking_id

)

select * from final
