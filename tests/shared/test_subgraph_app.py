"""The subgraph app factory: probes, request ids, error masking, settings, wiring checks."""

from __future__ import annotations

import importlib
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import strawberry
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI

from shared.app import create_subgraph_app
from shared.errors import NotFound
from shared.events import ConsumerRegistry, consumed_by, consumer_urls
from shared.logging import JsonFormatter, request_id_var
from shared.settings import REPO_ROOT, ServiceSettings
from subgraphs.users.app import create_app as create_users_app
from subgraphs.users.settings import UsersSettings


class ProbeSettings(ServiceSettings):
    service_name: ClassVar[str] = "probe"


@strawberry.type
class Query:
    @strawberry.field
    def boom(self) -> str | None:
        raise RuntimeError('relation "users.secret" does not exist: SELECT password_hash FROM x')

    @strawberry.field
    def missing(self) -> str | None:
        raise NotFound("No such thing.")

    @strawberry.field
    def fine(self) -> str:
        return "ok"


async def start(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        yield client


def probe_app(database_url: str, **settings: Any) -> FastAPI:
    return create_subgraph_app(
        settings=ProbeSettings(
            database_url=database_url,
            outbox_dispatcher_enabled=False,
            migrate_on_start=False,
            internal_identity_secret="s",
            **settings,
        ),
        query=Query,
        build_loaders=lambda _sessions: None,
    )


@pytest.fixture
async def probe(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async for client in start(probe_app(database_url)):
        yield client


async def test_health_and_ready_when_the_database_answers(probe: httpx.AsyncClient) -> None:
    health = await probe.get("/health")
    ready = await probe.get("/ready")
    assert (health.status_code, health.json()) == (200, {"status": "ok", "service": "probe"})
    assert (ready.status_code, ready.json()) == (
        200,
        {"status": "ready", "checks": {"database": "ok"}},
    )


async def test_ready_checks_redis_when_configured(database_url: str, redis_prefix: str) -> None:
    async for client in start(probe_app(database_url, redis_url="redis://127.0.0.1:6379/0")):
        ready = await client.get("/ready")
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


async def test_not_ready_when_a_dependency_is_down(database_url: str) -> None:
    gone = database_url.rsplit("/", 1)[0] + f"/g2a_missing_{secrets.token_hex(4)}"
    async for client in start(probe_app(gone, redis_url="redis://127.0.0.1:1/0")):
        ready = await client.get("/ready")
        health = await client.get("/health")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "checks": {"database": "down", "redis": "down"},
    }
    assert health.status_code == 200


async def test_request_id_is_honoured_or_generated(probe: httpx.AsyncClient) -> None:
    honoured = await probe.get("/health", headers={"x-request-id": "router-abc.123"})
    generated = await probe.get("/health")
    replaced = await probe.get("/health", headers={"x-request-id": "bad id\twith spaces"})
    assert honoured.headers["x-request-id"] == "router-abc.123"
    assert len(generated.headers["x-request-id"]) == 32
    assert replaced.headers["x-request-id"] not in {"bad id\twith spaces", ""}


async def test_unexpected_errors_are_masked_and_logged_with_the_request_id(
    probe: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="shared.error_mapping"):
        response = await probe.post(
            "/graphql",
            json={"query": "{ fine boom missing }"},
            headers={"x-request-id": "req-42"},
        )

    body = response.json()
    assert body["data"] == {"fine": "ok", "boom": None, "missing": None}
    by_path = {error["path"][0]: error for error in body["errors"]}
    assert by_path["boom"]["message"] == "Internal server error."
    assert by_path["boom"]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert by_path["missing"]["extensions"] == {"code": "NOT_FOUND"}
    assert "SELECT" not in response.text
    assert "password_hash" not in response.text
    [record] = [r for r in caplog.records if r.name == "shared.error_mapping"]
    assert record.request_id == "req-42"  # type: ignore[attr-defined]
    assert record.exc_info is not None


@pytest.mark.parametrize(
    ("query", "code"),
    [("{ fine ", "GRAPHQL_PARSE_FAILED"), ("{ nope }", "GRAPHQL_VALIDATION_FAILED")],
)
async def test_document_errors_get_router_compatible_codes(
    probe: httpx.AsyncClient, query: str, code: str
) -> None:
    response = await probe.post("/graphql", json={"query": query})
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]


def test_json_log_lines_carry_the_request_id_and_extras() -> None:
    token = request_id_var.set("rid-7")
    try:
        record = logging.getLogger("x").makeRecord(
            "x", logging.INFO, __file__, 1, "hello %s", ("world",), None, extra={"user_id": "u1"}
        )
    finally:
        request_id_var.reset(token)
    record.request_id = "rid-7"
    line = JsonFormatter(service="users").format(record)
    assert '"message":"hello world"' in line
    assert '"request_id":"rid-7"' in line
    assert '"user_id":"u1"' in line
    assert '"service":"users"' in line


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u@h:5432/d",
        "postgresql://u@h:5432/d",
        "postgresql+asyncpg://u@h:5432/d",
    ],
)
def test_database_url_is_normalised_to_asyncpg(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    assert UsersSettings().database_url == "postgresql+asyncpg://u@h:5432/d"


def test_settings_come_from_the_documented_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTERNAL_IDENTITY_SECRET", "from-env")
    monkeypatch.setenv("JWT_SECRET", "jwt-from-env")
    monkeypatch.setenv("ACCESS_TOKEN_TTL_SECONDS", "120")
    monkeypatch.setenv("EVENT_CONSUMER_URLS", '{"points": "http://points:4010"}')
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = UsersSettings()
    assert settings.internal_identity_secret.get_secret_value() == "from-env"
    assert settings.jwt_secret.get_secret_value() == "jwt-from-env"
    assert settings.access_token_ttl_seconds == 120
    assert settings.event_consumer_urls == {"points": "http://points:4010"}
    assert settings.log_level == "DEBUG"
    assert settings.insecure_defaults() == []


def test_dev_default_secrets_are_warned_about_when_the_app_starts(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    monkeypatch.delenv("INTERNAL_IDENTITY_SECRET", raising=False)
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with caplog.at_level(logging.WARNING, logger="shared.app"):
        create_users_app(UsersSettings(outbox_dispatcher_enabled=False))
    warned = sorted(r.args[0] for r in caplog.records if r.name == "shared.app")  # type: ignore[index]
    assert warned == ["INTERNAL_IDENTITY_SECRET", "JWT_SECRET"]
    key_file = tmp_path / "k.pem"
    key_file.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    assert UsersSettings(jwt_private_key_file=key_file).insecure_defaults() == [
        "INTERNAL_IDENTITY_SECRET"
    ]


def test_rejects_non_postgres_database_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://u@h/d")
    with pytest.raises(ValueError, match="DATABASE_URL"):
        UsersSettings()


def test_consumer_urls_come_from_supergraph_yaml_and_overrides(tmp_path: Path) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "federation_version: =2.11.0\n"
        "subgraphs:\n"
        "  users:\n"
        "    routing_url: ${env.USERS_URL:-http://127.0.0.1:4001/graphql}\n"
        "  points:\n"
        "    routing_url: http://127.0.0.1:4010/graphql\n"
    )
    urls = consumer_urls(
        supergraph_config=config, overrides={"points": "http://points.internal:8080/"}
    )
    assert urls == {
        "users": "http://127.0.0.1:4001/events",
        "points": "http://points.internal:8080/events",
    }


def test_an_app_whose_handlers_disagree_with_the_topology_refuses_to_start() -> None:
    registry = ConsumerRegistry()

    @registry.consumer("quest_completed")
    async def handle(*_: object) -> None:
        return None

    with pytest.raises(RuntimeError, match="topology"):
        create_subgraph_app(
            settings=ProbeSettings(outbox_dispatcher_enabled=False),
            query=Query,
            build_loaders=lambda _sessions: None,
            consumers=registry,
        )


def test_every_subgraph_handles_exactly_the_events_the_topology_routes_to_it() -> None:
    checked = []
    for events_module in sorted((REPO_ROOT / "subgraphs").glob("*/events.py")):
        service = events_module.parent.name
        module = importlib.import_module(f"subgraphs.{service}.events")
        assert module.consumers.event_types == consumed_by(service), service
        checked.append(service)
    assert "users" in checked
