"""Trusted documents through HTTP: safelisted partners, API keys, log_unknown, warm plans."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from edge_support import sha256, write_manifest
from router_harness import RouterFactory

from router.persisted.manifest import ManifestError, load_manifest

PRODUCTS = "query Products { products(first: 1) { upc } }"
USERS = "query Users { users { id name } }"
ARBITRARY = "{ users { id } }"
PARTNER = {"apollographql-client-name": "partner", "x-api-key": "partner-key"}


@pytest.fixture
def manifests(tmp_path: Path) -> list[Path]:
    return [
        write_manifest(tmp_path / "products.json", {"Products": PRODUCTS}),
        write_manifest(tmp_path / "users.json", {"Users": USERS}),
    ]


def persisted(manifests: list[Path], policy: str, **extra: Any) -> dict[str, Any]:
    client = {"policy": policy, "manifests": [str(path) for path in manifests], **extra}
    return {
        "persisted_queries": {"enabled": True, "clients": {"partner": client}},
        "telemetry": {"metrics": {"enabled": True}},
    }


async def test_safelisted_partner_runs_its_documents_by_id(
    make_router: RouterFactory, manifests: list[Path]
) -> None:
    router = await make_router(persisted(manifests, "safelist", api_key="partner-key"))
    by_document_id = await router.client.post(
        "/graphql", json={"documentId": sha256(USERS)}, headers=PARTNER
    )
    assert by_document_id.json()["data"]["users"][0] == {"id": "1", "name": "Ada"}
    by_hash = await router.client.post(
        "/graphql",
        json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(PRODUCTS)}}},
        headers=PARTNER,
    )
    assert by_hash.json()["data"] == {"products": [{"upc": "p1"}]}
    same_text = await router.post(PRODUCTS, headers=PARTNER)
    assert same_text.json()["data"] == {"products": [{"upc": "p1"}]}


async def test_safelisted_partner_cannot_send_an_arbitrary_document(
    make_router: RouterFactory, manifests: list[Path]
) -> None:
    router = await make_router(persisted(manifests, "safelist", api_key="partner-key"))
    arbitrary = await router.post(ARBITRARY, headers=PARTNER)
    assert arbitrary.status_code == 200
    assert arbitrary.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    registering = await router.client.post(
        "/graphql",
        json={
            "query": ARBITRARY,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(ARBITRARY)}},
        },
        headers=PARTNER,
    )
    assert registering.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    unknown_id = await router.client.post(
        "/graphql", json={"documentId": sha256(ARBITRARY)}, headers=PARTNER
    )
    assert unknown_id.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    # Other clients keep the default policy (allow).
    other = await router.post(ARBITRARY, headers={"apollographql-client-name": "web"})
    assert other.json()["data"]["users"] == [{"id": "1"}, {"id": "2"}]


async def test_partner_without_its_api_key_is_unauthenticated(
    make_router: RouterFactory, manifests: list[Path]
) -> None:
    router = await make_router(persisted(manifests, "safelist", api_key="partner-key"))
    for key in (None, "wrong-key"):
        headers = {"apollographql-client-name": "partner"}
        if key is not None:
            headers["x-api-key"] = key
        response = await router.post(PRODUCTS, headers=headers)
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_log_unknown_runs_counts_and_logs_unknown_documents(
    make_router: RouterFactory, manifests: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    router = await make_router(persisted(manifests, "log_unknown"))
    headers = {"apollographql-client-name": "partner"}
    with caplog.at_level(logging.WARNING, logger="router.pipeline.persisted"):
        known = await router.post(PRODUCTS, headers=headers)
        unknown = await router.post(ARBITRARY, headers=headers)
    assert known.json()["data"] == {"products": [{"upc": "p1"}]}
    assert unknown.json()["data"]["users"] == [{"id": "1"}, {"id": "2"}]
    warnings = [r.getMessage() for r in caplog.records if r.name == "router.pipeline.persisted"]
    assert warnings == [
        f"client partner ran a document outside its manifests (sha256 {sha256(ARBITRARY)})"
    ]
    metrics = (await router.client.get("/metrics")).text
    assert 'router_persisted_unknown_documents_total{client="partner"} 1.0' in metrics


async def test_manifest_plans_are_warm_at_start_and_after_a_reload(
    make_router: RouterFactory, manifests: list[Path], supergraph_sdl: str
) -> None:
    router = await make_router(persisted(manifests, "safelist"))
    labels: frozenset[str] = frozenset()
    state = router.app.holder.current
    assert (PRODUCTS, "Products", labels) in state.plans
    assert (USERS, None, labels) in state.plans
    router.supergraph_path.write_text(supergraph_sdl + "\n# changed\n", encoding="utf-8")
    assert router.app.watcher is not None
    assert await router.app.watcher.reload()
    reloaded = router.app.holder.current
    assert reloaded is not state
    assert (PRODUCTS, "Products", labels) in reloaded.plans
    misses = reloaded.plans.misses
    response = await router.post(PRODUCTS, operation_name="Products")
    assert response.json()["data"] == {"products": [{"upc": "p1"}]}
    assert reloaded.plans.misses == misses  # served from the warmed cache


def test_a_file_that_is_not_a_manifest_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "something-else", "version": 1, "operations": []}')
    with pytest.raises(ManifestError, match=r"broken\.json: not an apollo-persisted"):
        load_manifest(path)
