"""docs/router-config.md stays true: its router.yaml examples load, and the schema covers them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from edge_support import REPO

from router.__main__ import main
from router.config import ConfigError, RouterConfig, load_config
from router.persisted.config import Policy

DOC = REPO / "docs" / "router-config.md"
ENVIRON = {"REDIS_URL": "redis://127.0.0.1:6379/0", "ACME_TRAVEL_API_KEY": "acme-secret"}


def yaml_examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def load(text: str, tmp_path: Path) -> RouterConfig:
    path = tmp_path / "router.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, environ=ENVIRON)


def test_every_yaml_example_of_the_docs_is_a_valid_router_yaml(tmp_path: Path) -> None:
    examples = yaml_examples()
    assert len(examples) == 4
    defaults, frontend, partner, graphiql = (load(text, tmp_path) for text in examples)
    assert defaults.redis.url == "redis://127.0.0.1:6379/0"
    assert defaults.demand_control == RouterConfig().demand_control
    assert frontend.demand_control.mode == "enforce"
    assert frontend.rate_limit.per_user is not None
    acme = partner.persisted_queries.clients["acme-travel"]
    assert acme.policy is Policy.SAFELIST
    assert acme.api_key == "acme-secret"
    assert graphiql.demand_control.mode == "measure"
    assert graphiql.sandbox.enabled


def test_a_typo_in_an_edge_section_names_its_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"demand_control\.mode"):
        load("demand_control:\n  mode: enforcing\n", tmp_path)
    with pytest.raises(ConfigError, match=r"rate_limit\.per_ip\.capacity"):
        load("rate_limit:\n  per_ip: {capacity: 0, refill_per_second: 1}\n", tmp_path)


def test_config_schema_describes_the_edge_sections(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config-schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    for section in ("demand_control", "persisted_queries", "rate_limit", "telemetry", "redis"):
        assert section in schema["properties"]
    policy = schema["$defs"]["Policy"]
    assert policy["enum"] == ["safelist", "allow", "log_unknown"]
