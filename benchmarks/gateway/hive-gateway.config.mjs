// Hive Gateway configuration for `python -m benchmarks gateway` (passed with --config-path).
// HIVE_DEDUP=benchmark: graphql-gateways-benchmark's own configuration (inbound in-flight
// de-duplication on; outbound de-duplication is Hive's default, on).
// HIVE_DEDUP=off: no de-duplication at all, inbound or towards the subgraphs.
const benchmark = process.env.HIVE_DEDUP === "benchmark";

export const gatewayConfig = benchmark
  ? { inboundInflightRequestDeduplication: true }
  : {
      inboundInflightRequestDeduplication: false,
      transportEntries: { "*.http": { options: { deduplicateInflightRequests: false } } },
    };
