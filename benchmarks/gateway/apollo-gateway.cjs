// Apollo Gateway + Apollo Server, one process, as in graphql-gateways-benchmark.
// Started by `python -m benchmarks gateway` with NODE_PATH pointing at its own install
// (.bench/node/node_modules). Environment: SUPERGRAPH (file), PORT; listens on 127.0.0.1.
"use strict";
const { readFileSync } = require("node:fs");
const { ApolloServer } = require("@apollo/server");
const { startStandaloneServer } = require("@apollo/server/standalone");
const { ApolloGateway } = require("@apollo/gateway");

async function main() {
  const supergraphSdl = readFileSync(process.env.SUPERGRAPH, "utf8");
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  const { url } = await startStandaloneServer(server, {
    listen: { host: "127.0.0.1", port: Number(process.env.PORT) },
  });
  console.log(`apollo-gateway ready at ${url}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
