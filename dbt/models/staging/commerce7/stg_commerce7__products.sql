{{ commerce7_latest_versions('product', 'product_id') }}
