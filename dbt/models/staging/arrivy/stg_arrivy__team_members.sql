{%- set columns = ['team_member_id', 'owner_id'] %}
{%- do columns.extend(arrivy_team_member_attributes()) %}
{%- do columns.append('extra_fields_json') %}

{{ arrivy_latest_versions('team_member', 'team_member_id', columns) }}
