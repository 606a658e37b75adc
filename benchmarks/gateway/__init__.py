"""The gateway benchmark: graphql-gateways-benchmark workload against the router."""
