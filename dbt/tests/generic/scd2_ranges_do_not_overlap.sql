{#-
  SCD2 validity ranges: per key, the half-open ranges [lower, upper) ordered by lower bound must tile time:
  no empty or inverted range, each range ends exactly where the next one starts (no gap, no overlap), and only
  the last range may be open-ended (upper bound null).
  Fails with one row per offending range.
-#}
{% test scd2_ranges_do_not_overlap(
    model, partition_by, lower_bound_column='valid_from', upper_bound_column='valid_to'
) %}

{%- set keys = [partition_by] if partition_by is string else partition_by %}

with ranges as (

    select
        {{ keys | join(',\n        ') }},
        {{ lower_bound_column }} as lower_bound,
        {{ upper_bound_column }} as upper_bound,
        lead({{ lower_bound_column }}) over (
            partition by {{ keys | join(', ') }}
            order by {{ lower_bound_column }}
        ) as next_lower_bound
    from {{ model }}

),

problems as (

    select
        *,
        case
            when lower_bound is null then 'range without a start'
            when upper_bound is not null and upper_bound <= lower_bound then 'empty or inverted range'
            when upper_bound is null and next_lower_bound is not null then 'open range followed by another range'
            when upper_bound < next_lower_bound then 'gap before the next range'
            when upper_bound > next_lower_bound then 'overlaps the next range'
        end as problem
    from ranges

)

select *
from problems
where problem is not null

{% endtest %}
