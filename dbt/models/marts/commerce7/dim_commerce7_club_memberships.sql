{{ config(cluster_by=['source_instance', 'club_membership_id']) }}

{#-
  Valid from Commerce7's updatedAt: a hold, a resumption or a cancellation moves it, so each status takes
  effect when Commerce7 saved it, and a version landed late takes its place in time. Unlike a customer's,
  a membership's first row is not backdated: a status is a fact about a moment (a membership first seen
  Cancelled was active before), and what came before is told by its dates (signed_up_at, holds, cancelled_at).
-#}
{{ scd2_dimension(
    ref('base_commerce7__club_membership_versions'),
    'club_membership',
    'club_membership_id',
    valid_from='coalesce(updated_at, _loaded_at)',
    tracked_columns=[
        'customer_id', 'club_id', 'club_title', 'status', 'order_delivery_method', 'signed_up_at', 'cancelled_at',
        'cancellation_reason',
    ],
    tracked_expressions=[json_to_string('holds_json')],
    extra_columns=['holds_json', 'created_at', 'updated_at'],
) }}
