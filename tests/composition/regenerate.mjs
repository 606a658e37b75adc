// Golden outputs for the composition parity fixtures, produced by Apollo's own composer.
//
//   node tests/composition/regenerate.mjs            rewrite every fixture's golden
//   node tests/composition/regenerate.mjs CASE...    rewrite only these fixtures
//   node tests/composition/regenerate.mjs --stdin    compose [{name, url, sdl}] read from stdin,
//                                                    print {supergraph} or {errors} as JSON
//   node tests/composition/regenerate.mjs --batch    the same for a list of such lists (one
//                                                    result per list, in order)
//
// A fixture is tests/composition/fixtures/<case>/subgraphs/<name>.graphql (routing URL
// http://<name>.example/graphql). Its golden is <case>/supergraph.graphql when composition
// succeeds, or <case>/errors.json ([{code, message}]) when it fails.
//
// @apollo/composition is loaded from $APOLLO_COMPOSITION_DIR, else from the git-ignored
// tests/composition/.node, which is installed with npm on first use.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const COMPOSITION_VERSION = "2.14.4";
const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, "fixtures");

function loadComposition() {
  const dir = process.env.APOLLO_COMPOSITION_DIR || join(here, ".node");
  const manifest = join(dir, "package.json");
  if (!existsSync(join(dir, "node_modules", "@apollo", "composition"))) {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(manifest)) writeFileSync(manifest, '{"private": true}\n');
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefix", dir, `@apollo/composition@${COMPOSITION_VERSION}`],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  }
  const require = createRequire(manifest);
  return { composition: require("@apollo/composition"), graphql: require("graphql") };
}

function compose({ composition, graphql }, subgraphs) {
  const services = [];
  const errors = [];
  for (const { name, url, sdl } of subgraphs) {
    try {
      services.push({ name, url, typeDefs: graphql.parse(sdl) });
    } catch (error) {
      errors.push({ code: "INVALID_GRAPHQL", message: `[${name}] ${error.message}` });
    }
  }
  if (errors.length > 0) return { errors };
  let result;
  try {
    result = composition.composeServices(services);
  } catch (error) {
    // Apollo throws (instead of reporting) on some malformed inputs.
    return { errors: [{ code: "APOLLO_EXCEPTION", message: String(error && error.message) }] };
  }
  if (result.errors) {
    return {
      errors: result.errors.map((error) => ({
        code: error.extensions?.code ?? "UNKNOWN",
        message: error.message,
      })),
    };
  }
  return { supergraph: result.supergraphSdl };
}

function fixtureSubgraphs(caseDir) {
  const dir = join(caseDir, "subgraphs");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".graphql"))
    .sort()
    .map((file) => {
      const name = file.slice(0, -".graphql".length);
      return { name, url: `http://${name}.example/graphql`, sdl: readFileSync(join(dir, file), "utf8") };
    });
}

function regenerate(apollo, cases) {
  for (const name of cases) {
    const caseDir = join(fixturesDir, name);
    const result = compose(apollo, fixtureSubgraphs(caseDir));
    rmSync(join(caseDir, "supergraph.graphql"), { force: true });
    rmSync(join(caseDir, "errors.json"), { force: true });
    if (result.errors) {
      writeFileSync(join(caseDir, "errors.json"), JSON.stringify(result.errors, null, 2) + "\n");
      console.log(`${name}: ${result.errors.map((e) => e.code).join(", ")}`);
    } else {
      writeFileSync(join(caseDir, "supergraph.graphql"), result.supergraph + "\n");
      console.log(`${name}: ok`);
    }
  }
}

const args = process.argv.slice(2);
const apollo = loadComposition();
if (args[0] === "--stdin") {
  const input = JSON.parse(readFileSync(0, "utf8"));
  process.stdout.write(JSON.stringify(compose(apollo, input)) + "\n");
} else if (args[0] === "--batch") {
  const input = JSON.parse(readFileSync(0, "utf8"));
  process.stdout.write(JSON.stringify(input.map((subgraphs) => compose(apollo, subgraphs))) + "\n");
} else {
  const cases = args.length > 0 ? args : readdirSync(fixturesDir).sort();
  regenerate(apollo, cases);
}
