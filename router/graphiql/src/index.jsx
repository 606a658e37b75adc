// GraphiQL for the Go2Asia router, bundled offline by ../build.sh.
// Every request asks the router for its query plan (Apollo-Expose-Query-Plan: true);
// the "Query plan" plugin shows the plan of the last request.
import { GraphiQL } from "graphiql";
import { useSyncExternalStore } from "react";
import { createRoot } from "react-dom/client";
import "graphiql/style.css";

const root = document.getElementById("graphiql");
const endpoint = root.dataset.endpoint || "/graphql";

// The last plan, as a tiny external store the plugin subscribes to.
let lastPlan = "No request sent yet.";
const listeners = new Set();
const planStore = {
  subscribe(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: () => lastPlan,
  set(text) {
    lastPlan = text;
    for (const listener of listeners) listener();
  },
};

// The headers editor starts with an Authorization template; until a token is pasted
// into it, the request goes out as a guest's.
function withoutBlankAuthorization(headers) {
  const kept = {};
  for (const [name, value] of Object.entries(headers || {})) {
    const blank = String(value).trim().replace(/^Bearer$/i, "") === "";
    if (!(name.toLowerCase() === "authorization" && blank)) kept[name] = value;
  }
  return kept;
}

async function fetcher(params, options) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      ...withoutBlankAuthorization(options && options.headers),
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      "apollo-expose-query-plan": "true",
    },
    body: JSON.stringify(params),
  });
  const body = await response.json();
  const plan = body && body.extensions && body.extensions.apolloQueryPlan;
  if (params.operationName !== "IntrospectionQuery") {
    planStore.set(plan ? plan.text : "The router returned no plan for this request.");
  }
  if (plan) {
    // Shown in the "Query plan" panel; keep the result pane to what the client asked for.
    delete body.extensions.apolloQueryPlan;
    if (Object.keys(body.extensions).length === 0) delete body.extensions;
  }
  return body;
}

function PlanIcon() {
  return (
    <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="3" y="3" width="7" height="5" rx="1" />
      <rect x="14" y="10" width="7" height="5" rx="1" />
      <rect x="3" y="16" width="7" height="5" rx="1" />
      <path d="M6.5 8v8M10 5.5h3.5a1 1 0 0 1 1 1V10" />
    </svg>
  );
}

function PlanPanel() {
  const text = useSyncExternalStore(planStore.subscribe, planStore.get);
  return (
    <div className="g2a-plan">
      <div className="graphiql-doc-explorer-title">Query plan</div>
      <pre id="g2a-query-plan" style={{ whiteSpace: "pre", overflowX: "auto", fontSize: "0.85em" }}>{text}</pre>
    </div>
  );
}

const queryPlanPlugin = { title: "Query plan", icon: PlanIcon, content: PlanPanel };

createRoot(root).render(
  <GraphiQL
    fetcher={fetcher}
    plugins={[queryPlanPlugin]}
    isHeadersEditorEnabled={true}
    shouldPersistHeaders={false}
    defaultHeaders={'{\n  "Authorization": "Bearer "\n}'}
    defaultEditorToolsVisibility={false}
  />,
);
