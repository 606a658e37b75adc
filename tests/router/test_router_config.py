"""router.yaml: defaults, env expansion, durations, and errors that name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.config import ConfigError, RouterConfig, load_config


def test_no_file_gives_development_defaults() -> None:
    config = load_config(None, environ={})
    assert config.supergraph.listen == "127.0.0.1:4000"
    assert config.supergraph.path == "/graphql"
    assert config.traffic_shaping.for_subgraph("any") == (True, 30.0)
    assert config.traffic_shaping.router.deduplicate_query is False


def test_env_references_are_expanded_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(
        "supergraph:\n"
        "  listen: ${env.HOST:-127.0.0.2}:${env.PORT}\n"
        "traffic_shaping:\n"
        "  subgraphs:\n"
        "    users: {timeout: 250ms, deduplicate_query: false}\n",
        encoding="utf-8",
    )
    config = load_config(path, environ={"PORT": "4100"})
    assert (config.supergraph.host, config.supergraph.port) == ("127.0.0.2", 4100)
    assert config.traffic_shaping.for_subgraph("users") == (False, 0.25)
    assert config.traffic_shaping.for_subgraph("media") == (True, 30.0)


def test_missing_env_variable_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text("supergraph:\n  listen: ${env.NOPE}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"router\.yaml: supergraph\.listen: .*NOPE"):
        load_config(path, environ={})


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("supergraph:\n  lisen: x\n", "supergraph.lisen"),
        ("traffic_shaping:\n  all:\n    timeout: -1s\n", "traffic_shaping.all.timeout"),
        ("- just\n- a list\n", "must be a mapping"),
        ("supergraph: [\n", "cannot read"),
    ],
)
def test_invalid_file_is_an_error_naming_the_path(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path, environ={})
    assert str(raised.value).startswith(str(path))
    assert where in str(raised.value)


def test_jwt_and_identity_secrets_default_to_the_shared_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JWT_SECRET", "from-the-environment-0123456789abcdef")
    monkeypatch.setenv("JWT_ISSUER", "https://issuer.example")
    monkeypatch.setenv("INTERNAL_IDENTITY_SECRET", "internal-0123456789abcdef0123456789")
    config = RouterConfig()
    assert config.authentication.jwt.hs256_secret == "from-the-environment-0123456789abcdef"
    assert config.authentication.jwt.issuer == "https://issuer.example"
    assert config.authentication.identity.secret == "internal-0123456789abcdef0123456789"
