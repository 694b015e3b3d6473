{{ commerce7_latest_versions('order', 'order_id') }}
