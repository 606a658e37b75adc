"""router.yaml sections of the security edge: env expansion, validation naming the path."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.config import ConfigError, RouterConfig, load_config

PRODUCTION = """
authentication:
  jwt:
    hs256_secret: ""
    leeway_seconds: 30
    jwks:
      - url: ${env.JWKS_URL}
        issuers: [https://go2asia.app/users]
        audiences: [go2asia]
        poll_interval: 5m
authorization:
  require_authentication: false
  policies: {"partner:owner": "go2asia_policies:partner_owner"}
limits: {max_depth: 15, max_height: 400, max_aliases: 30, max_root_fields: 20}
supergraph:
  introspection: ${env.ROUTER_INTROSPECTION:-false}
cors:
  origins: [https://go2asia.app]
  allow_credentials: true
  max_age: 10m
headers:
  all:
    request:
      - propagate: {named: accept-language}
"""


def test_production_example_loads_with_environment(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(PRODUCTION, encoding="utf-8")
    config = load_config(path, environ={"JWKS_URL": "http://users:4001/.well-known/jwks.json"})
    (source,) = config.authentication.jwt.jwks
    assert source.url == "http://users:4001/.well-known/jwks.json"
    assert source.poll_interval == 300.0
    assert config.supergraph.introspection is False
    assert config.supergraph.introspection_exceptions.roles == ["ADMIN"]
    assert config.cors.max_age == 600.0
    assert config.limits.max_depth == 15


def test_empty_file_keeps_development_defaults() -> None:
    config = RouterConfig()
    assert config.authentication.jwt.jwks == []
    assert config.authorization.directives.enabled
    assert config.limits.http_max_request_bytes == 2_000_000
    assert config.limits.max_depth is None
    assert not config.csrf.unsafe_disabled
    assert config.headers.all.request == []


@pytest.mark.parametrize(
    ("yaml_text", "where"),
    [
        ("authentication: {jwt: {jwks: [{url: http://a, file: /b}]}}", "authentication.jwt.jwks.0"),
        ("authentication: {jwt: {jwks: [{file: /k, algorithms: [HS256]}]}}", "algorithms"),
        ("authentication: {jwt: {jwks: [{url: ftp://keys}]}}", "authentication.jwt.jwks.0.url"),
        ("authorization: {policies: {p: not-an-import}}", "authorization.policies.p"),
        ("limits: {max_depth: 0}", "limits.max_depth"),
        ("cors: {allow_any_origin: true, allow_credentials: true}", "cors"),
        (
            "headers: {all: {request: [{propagate: {named: a}, insert: {name: b, value: c}}]}}",
            "headers.all.request.0",
        ),
        ("csrf: {unsafe_disabeld: true}", "csrf.unsafe_disabeld"),
    ],
)
def test_invalid_sections_stop_the_router_naming_the_path(
    tmp_path: Path, yaml_text: str, where: str
) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path, environ={})
    assert str(refused.value).startswith(str(path))
    assert where in str(refused.value)
