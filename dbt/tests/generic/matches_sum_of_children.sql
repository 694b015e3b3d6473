{#-
  A parent's amount equals the sum of its children's amounts, within `tolerance` (e.g. a check's amount and
  the price of its non-voided selections). Parents are the model's rows; children are the rows of `children`
  sharing the `join_columns` and meeting `child_condition`. A parent without children must be 0 (a null amount
  counts as 0). Fails with one row per parent that does not match.
-#}
{% test matches_sum_of_children(
    model, column_name, children, join_columns, child_amount, child_condition='true', tolerance=0.01
) %}

with parents as (

    select
        {{ join_columns | join(',\n        ') }},
        {{ column_name }} as parent_amount
    from {{ model }}

),

children_summed as (

    select
        {{ join_columns | join(',\n        ') }},
        sum({{ child_amount }}) as children_amount
    from {{ children }}
    where {{ child_condition }}
    group by {{ join_columns | join(', ') }}

),

compared as (

    select
        parents.*,
        coalesce(children_summed.children_amount, 0) as children_amount
    from parents
    left join children_summed
        on {% for column in join_columns -%}
        parents.{{ column }} = children_summed.{{ column }}{{ '\n        and ' if not loop.last }}
        {%- endfor %}

)

select *
from compared
where abs(coalesce(parent_amount, 0) - children_amount) > {{ tolerance }}

{% endtest %}
