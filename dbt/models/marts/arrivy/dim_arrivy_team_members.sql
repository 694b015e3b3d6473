{{ config(cluster_by=['source_instance', 'team_member_id']) }}

{#- A change to any team member attribute (deletion included) or to its custom fields opens a new version. -#}
{%- set tracked_columns = [] %}
{%- do tracked_columns.extend(arrivy_team_member_attributes()) %}

{{ arrivy_scd2_dimension('team_member', 'team_member_id', tracked_columns) }}
