"""docker-compose.yml stays in step with supergraph.yaml and the README (no Docker needed).

Every subgraph listed in supergraph.yaml has a service of the same name that runs its app
factory on the port of its routing_url; the router reaches it by that hostname; migrations,
demo data and event delivery cover every subgraph; every variable set is documented.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from shared.dev.supergraph import Subgraph, load_subgraphs

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
SUBGRAPHS = load_subgraphs(REPO_ROOT / "supergraph.yaml", environ={})
NAMES = [subgraph.name for subgraph in SUBGRAPHS]
APP_IMAGE = SERVICES["migrate"]["image"]
ONE_SHOT = {"migrate", "seed"}


def _by_name(subgraphs: list[Subgraph]) -> list[Any]:
    return [pytest.param(subgraph, id=subgraph.name) for subgraph in subgraphs]


def _env(service: str) -> dict[str, str]:
    return {name: str(value) for name, value in SERVICES[service].get("environment", {}).items()}


def test_supergraph_yaml_lists_subgraphs() -> None:
    assert NAMES, "supergraph.yaml lists no subgraph"


@pytest.mark.parametrize("subgraph", _by_name(SUBGRAPHS))
def test_each_subgraph_has_a_service_serving_its_app_on_its_routing_port(
    subgraph: Subgraph,
) -> None:
    service = SERVICES[subgraph.name]
    command = service["command"]

    assert service["image"] == APP_IMAGE
    assert command[:3] == ["uvicorn", "--factory", subgraph.app_factory]
    assert command[command.index("--port") + 1] == str(subgraph.port)
    assert command[command.index("--host") + 1] == "0.0.0.0"  # noqa: S104 - inside its container
    assert str(subgraph.port) in service["expose"]
    assert f"http://127.0.0.1:{subgraph.port}/ready" in " ".join(service["healthcheck"]["test"])
    assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert service["depends_on"]["postgres"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("subgraph", _by_name(SUBGRAPHS))
def test_the_router_reaches_each_subgraph_by_its_service_name(subgraph: Subgraph) -> None:
    router_env = _env("router")
    as_the_router_sees_it = load_subgraphs(REPO_ROOT / "supergraph.yaml", environ=router_env)
    url = urlsplit(next(sg.routing_url for sg in as_the_router_sees_it if sg.name == subgraph.name))

    assert (url.hostname, url.port) == (subgraph.name, subgraph.port)
    assert url.path == urlsplit(subgraph.routing_url).path
    assert SERVICES["router"]["depends_on"][subgraph.name] == {"condition": "service_healthy"}


def test_supergraph_yaml_routing_urls_are_overridable_by_name_url_variables() -> None:
    overrides = {sg.url_variable: f"http://elsewhere:1/{sg.name}" for sg in SUBGRAPHS}

    moved = load_subgraphs(REPO_ROOT / "supergraph.yaml", environ=overrides)

    assert [sg.routing_url for sg in moved] == [f"http://elsewhere:1/{name}" for name in NAMES]


def test_events_are_delivered_to_every_subgraph_service() -> None:
    for service in (*NAMES, "migrate"):
        consumers = json.loads(_env(service)["EVENT_CONSUMER_URLS"])
        assert consumers == {sg.name: f"http://{sg.name}:{sg.port}" for sg in SUBGRAPHS}


def test_migrations_and_demo_data_cover_every_subgraph() -> None:
    assert SERVICES["migrate"]["command"] == ["python", "-m", "shared.migrations", *NAMES]
    assert SERVICES["seed"]["command"] == ["python", "-m", "shared.seed", *NAMES]


def test_no_service_runs_a_subgraph_missing_from_supergraph_yaml() -> None:
    factories = re.compile(r"^subgraphs\.(\w+)\.app:create_app$")
    served = {
        match[1]
        for service in SERVICES.values()
        for part in service.get("command", [])
        if (match := factories.match(str(part)))
    }

    assert served == set(NAMES)


def test_every_long_running_service_has_a_healthcheck() -> None:
    missing = [
        name
        for name, service in SERVICES.items()
        if name not in ONE_SHOT and "healthcheck" not in service
    ]

    assert missing == []


def test_every_variable_our_services_read_is_documented_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)`", readme, flags=re.MULTILINE))
    ours = [name for name, service in SERVICES.items() if service.get("image") == APP_IMAGE]
    used = {variable for name in ours for variable in _env(name)}
    per_subgraph_urls = {sg.url_variable for sg in SUBGRAPHS}

    assert used - documented - per_subgraph_urls == set()
    assert "`<NAME>_URL`" in readme
