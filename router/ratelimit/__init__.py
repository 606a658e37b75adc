"""Rate limiting: token buckets and cost budgets, in Redis (`redis`, one Lua script per
check) or in process (`memory`). The pipeline stages are in `router.pipeline.ratelimit`."""
