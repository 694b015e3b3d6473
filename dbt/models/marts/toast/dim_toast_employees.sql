{{ config(cluster_by=['source_instance', 'employee_guid']) }}

{#-
  Columns whose change opens a new version: toast_employee_attributes(), and the job_references_json and
  wage_overrides_json blocks (a new job or wage is a new version). modifiedDate alone and the landing columns
  do not. Extend, not +: dbt parses unit tests with project macros undefined, and an undefined value can be
  iterated but not added to.
-#}
{%- set tracked_columns = [] %}
{%- do tracked_columns.extend(toast_employee_attributes()) %}
{%- set tracked_expressions = [json_to_string('job_references_json'), json_to_string('wage_overrides_json')] %}

{{ toast_scd2_dimension(
    'employee',
    tracked_columns,
    tracked_expressions=tracked_expressions,
    extra_columns=['job_references_json', 'wage_overrides_json', 'created_at'],
) }}
