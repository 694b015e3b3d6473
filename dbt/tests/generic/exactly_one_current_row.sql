{#- Fails for every key that has no row, or more than one row, flagged current. -#}
{% test exactly_one_current_row(model, partition_by, current_flag_column='is_current') %}

{%- set keys = [partition_by] if partition_by is string else partition_by %}

with current_rows_per_key as (

    select
        {{ keys | join(',\n        ') }},
        sum(case when {{ current_flag_column }} then 1 else 0 end) as current_rows
    from {{ model }}
    group by {{ keys | join(', ') }}

)

select *
from current_rows_per_key
where current_rows <> 1

{% endtest %}
