{{ commerce7_latest_versions('customer', 'customer_id') }}
