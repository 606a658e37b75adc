"""supergraph.yaml as the runner reads it: env expansion, port offsets, the resolved copy."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from shared.dev.supergraph import (
    SupergraphConfigError,
    expand_env,
    load_subgraphs,
    shift_port,
    write_resolved_config,
)

CONFIG = """\
federation_version: =2.11.0
subgraphs:
  users:
    routing_url: ${env.USERS_URL:-http://127.0.0.1:4001/graphql}
    schema:
      subgraph_url: ${env.USERS_URL:-http://127.0.0.1:4001/graphql}
  atlas:
    routing_url: http://localhost:4002/graphql
    schema:
      file: schemas/atlas.graphql
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "supergraph.yaml"
    path.write_text(CONFIG)
    return path


def test_expand_env_uses_the_variable_then_the_default() -> None:
    text = "${env.A:-x}/${env.B:-y}/${env.C:-}"

    assert expand_env(text, {"A": "set"}) == "set/y/"


def test_expand_env_without_default_requires_the_variable() -> None:
    with pytest.raises(SupergraphConfigError, match="NAME is not set"):
        expand_env("${env.NAME}", {})


def test_shift_port_moves_only_the_port() -> None:
    assert (
        shift_port("http://127.0.0.1:4001/graphql?x=1", 100) == "http://127.0.0.1:4101/graphql?x=1"
    )
    assert shift_port("http://users/graphql", 1) == "http://users:81/graphql"
    assert shift_port("http://users:4001/graphql", 0) == "http://users:4001/graphql"


def test_load_subgraphs_expands_urls_and_applies_the_offset(config: Path) -> None:
    subgraphs = load_subgraphs(
        config, environ={"USERS_URL": "http://127.0.0.1:5001/graphql"}, port_offset=10
    )

    assert [(sg.name, sg.routing_url) for sg in subgraphs] == [
        ("users", "http://127.0.0.1:5011/graphql"),
        ("atlas", "http://localhost:4012/graphql"),
    ]
    users = subgraphs[0]
    assert (users.host, users.port, users.base_url) == ("127.0.0.1", 5011, "http://127.0.0.1:5011")
    assert users.app_factory == "subgraphs.users.app:create_app"
    assert users.url_variable == "USERS_URL"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("subgraphs: []\n", "no `subgraphs:` mapping"),
        ("subgraphs:\n  users: {}\n", "'users' has no routing_url"),
        ("subgraphs:\n  users:\n    routing_url: ftp://x/y\n", "is not http"),
        ("subgraphs: [unclosed\n", "cannot read"),
    ],
)
def test_unusable_configs_are_refused_with_the_reason(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "supergraph.yaml"
    path.write_text(text)

    with pytest.raises(SupergraphConfigError, match=problem):
        load_subgraphs(path, environ={})


def test_resolved_config_has_concrete_urls_and_absolute_schema_files(
    config: Path, tmp_path: Path
) -> None:
    output = write_resolved_config(
        config, tmp_path / "run" / "supergraph.yaml", environ={}, port_offset=5
    )

    resolved = yaml.safe_load(output.read_text())
    assert resolved["federation_version"] == "=2.11.0"
    assert resolved["subgraphs"]["users"] == {
        "routing_url": "http://127.0.0.1:4006/graphql",
        "schema": {"subgraph_url": "http://127.0.0.1:4006/graphql"},
    }
    assert resolved["subgraphs"]["atlas"]["schema"]["file"] == str(
        tmp_path / "schemas" / "atlas.graphql"
    )
