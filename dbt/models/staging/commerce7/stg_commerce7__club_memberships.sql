{{ commerce7_latest_versions('club_membership', 'club_membership_id') }}
