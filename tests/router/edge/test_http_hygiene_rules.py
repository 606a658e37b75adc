"""HTTP hygiene through HTTP: CORS, CSRF prevention, header propagation to subgraphs."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from router_fakes import FakeSubgraph, make_token
from router_harness import RouterFactory

CORS = {
    "cors": {
        "origins": ["https://go2asia.app"],
        "match_origins": [r"https://[a-z0-9-]+\.preview\.go2asia\.app"],
        "allow_credentials": True,
        "allow_headers": ["content-type", "authorization", "apollo-require-preflight"],
        "expose_headers": ["retry-after"],
        "max_age": "10m",
    }
}


# ---------------------------------------------------------------------------------- CORS
@pytest.mark.parametrize("origin", ["https://go2asia.app", "https://pr-12.preview.go2asia.app"])
async def test_preflight_from_an_allowed_origin(make_router: RouterFactory, origin: str) -> None:
    router = await make_router(CORS)
    response = await router.client.options(
        "/graphql",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, authorization",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-allow-methods"] == "GET, OPTIONS, POST"
    assert "authorization" in response.headers["access-control-allow-headers"]
    assert response.headers["access-control-max-age"] == "600"
    assert response.headers["vary"] == "Origin"


async def test_preflight_from_another_origin_is_refused(make_router: RouterFactory) -> None:
    router = await make_router(CORS)
    for origin in ("https://evil.example", "https://go2asia.app.evil.example"):
        response = await router.client.options(
            "/graphql", headers={"origin": origin, "access-control-request-method": "POST"}
        )
        assert response.status_code == 403
        assert "access-control-allow-origin" not in response.headers


async def test_actual_requests_carry_cors_headers_only_for_allowed_origins(
    make_router: RouterFactory,
) -> None:
    router = await make_router(CORS)
    allowed = await router.post("{ users { id } }", headers={"origin": "https://go2asia.app"})
    assert allowed.headers["access-control-allow-origin"] == "https://go2asia.app"
    assert allowed.headers["access-control-expose-headers"] == "retry-after"
    refused_token = await router.post(
        "{ me { id } }",
        headers={"origin": "https://go2asia.app", "authorization": "Bearer broken"},
    )
    assert refused_token.status_code == 401  # refusals are readable by the allowed origin
    assert refused_token.headers["access-control-allow-origin"] == "https://go2asia.app"
    other = await router.post("{ users { id } }", headers={"origin": "https://evil.example"})
    assert other.status_code == 200
    assert "access-control-allow-origin" not in other.headers
    assert other.headers["vary"] == "Origin"


async def test_without_cors_configuration_options_is_not_answered(
    make_router: RouterFactory,
) -> None:
    router = await make_router()
    response = await router.client.options(
        "/graphql",
        headers={"origin": "https://go2asia.app", "access-control-request-method": "POST"},
    )
    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers


# ---------------------------------------------------------------------------------- CSRF
ADD_REVIEW = 'mutation { addReview(input: {productUpc: "p1", body: "x"}) { id } }'
BROWSER = {"origin": "https://evil.example", "sec-fetch-mode": "no-cors"}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
async def test_simple_post_from_a_browser_is_refused_as_csrf(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph], content_type: str
) -> None:
    router = await make_router()
    response = await router.client.post(
        "/graphql",
        content=orjson.dumps({"query": ADD_REVIEW}),
        headers={**BROWSER, "content-type": content_type},
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "CSRF_ERROR"
    assert "apollo-require-preflight" in error["message"]
    assert all(fake.requests == [] for fake in subgraphs.values())


async def test_simple_get_from_a_browser_needs_a_preflight_header(
    make_router: RouterFactory,
) -> None:
    router = await make_router()
    params = {"query": "{ users { id } }"}
    refused = await router.client.get("/graphql", params=params, headers=BROWSER)
    assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF_ERROR"
    for header in ("apollo-require-preflight", "x-apollo-operation-name"):
        allowed = await router.client.get(
            "/graphql", params=params, headers={**BROWSER, header: "true"}
        )
        assert allowed.json() == {"data": {"users": [{"id": "1"}, {"id": "2"}]}}
    empty = await router.client.get(
        "/graphql", params=params, headers={**BROWSER, "apollo-require-preflight": ""}
    )
    assert empty.status_code == 400


async def test_json_post_from_a_browser_is_preflighted_by_nature(
    make_router: RouterFactory,
) -> None:
    router = await make_router()
    response = await router.post("{ users { id } }", headers=BROWSER)
    assert response.json() == {"data": {"users": [{"id": "1"}, {"id": "2"}]}}


async def test_csrf_configuration(make_router: RouterFactory) -> None:
    params = {"query": "{ users { id } }"}
    strict = await make_router(
        {"csrf": {"browser_requests_only": False, "required_headers": ["x-go2asia-client"]}}
    )
    assert (await strict.client.get("/graphql", params=params)).status_code == 400  # curl too
    named = await strict.client.get("/graphql", params=params, headers={"x-go2asia-client": "ios"})
    assert named.status_code == 200
    off = await make_router({"csrf": {"unsafe_disabled": True}})
    assert (await off.client.get("/graphql", params=params, headers=BROWSER)).status_code == 200


# ------------------------------------------------------------------------------- headers
HEADER_RULES: dict[str, Any] = {
    "headers": {
        "all": {
            "request": [
                {"propagate": {"named": "accept-language"}},
                {"propagate": {"named": "x-client-version", "rename": "x-app-version"}},
                {"propagate": {"named": "x-locale", "default": "ru"}},
                {"propagate": {"matching": "^x-g2a-.*"}},
                {"propagate": {"matching": ".*"}},
                {"remove": {"matching": "^(user-agent|cookie|authorization)$"}},
                {"insert": {"name": "x-router", "value": "go2asia"}},
                {"insert": {"name": "x-g2a-identity", "value": "forged-by-config"}},
            ]
        },
        "subgraphs": {
            "products": {"request": [{"remove": {"named": "accept-language"}}]},
        },
    }
}


async def test_header_rules_shape_what_subgraphs_receive(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router(HEADER_RULES)
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    await router.post(
        "{ me { id } products { upc } }",
        headers={
            "accept-language": "ru-RU",
            "x-client-version": "2.4.0",
            "x-g2a-identity": "v1.forged.signature",
            "x-g2a-trace": "t-1",
            "x-secret": "hop-by-hop by the connection header",
            "connection": "keep-alive, x-secret",
            "transfer-encoding": "chunked",
            "proxy-authorization": "Basic abc",
            "traceparent": traceparent,
            "tracestate": "vendor=1",
            "authorization": f"Bearer {make_token(sub='u-5')}",
        },
    )
    accounts = subgraphs["accounts"].headers_seen[0]
    assert accounts["accept-language"] == "ru-RU"
    assert accounts["x-app-version"] == "2.4.0"
    assert accounts["x-locale"] == "ru"
    assert accounts["x-g2a-trace"] == "t-1"
    assert accounts["x-router"] == "go2asia"
    assert accounts["traceparent"] == traceparent
    assert accounts["tracestate"] == "vendor=1"
    never_sent = (
        "proxy-authorization",
        "transfer-encoding",
        "authorization",
        "user-agent",
        "x-secret",
    )
    for never in never_sent:
        assert never not in accounts
    assert accounts.get("connection") != "keep-alive, x-secret"
    # The identity header is the router's own signature for u-5, never the client's or config's.
    assert accounts["x-g2a-identity"].startswith("v1.")
    assert accounts["x-g2a-identity"] not in {"v1.forged.signature", "forged-by-config"}
    products = subgraphs["products"].headers_seen[0]
    assert "accept-language" not in products
    assert products["x-app-version"] == "2.4.0"


async def test_client_cannot_forge_the_identity_header_as_a_guest(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router(HEADER_RULES)
    body = (await router.post("{ me { id } }", headers={"x-g2a-identity": "v1.e30.AAAA"})).json()
    assert body == {"data": {"me": None}}
    assert "x-g2a-identity" not in subgraphs["accounts"].headers_seen[0]


async def test_without_rules_only_trace_context_is_forwarded(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    await router.post(
        "{ users { id } }", headers={"traceparent": traceparent, "accept-language": "en"}
    )
    seen = subgraphs["accounts"].headers_seen[0]
    assert seen["traceparent"] == traceparent
    assert "accept-language" not in seen
