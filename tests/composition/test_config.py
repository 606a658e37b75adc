"""supergraph.yaml: rover's keys, env expansion, files, inline SDL and `_service` fetches."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from router.composition import ConfigError
from router.composition.config import expand_env, load_config

SDL = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    "type Query { hello: String }\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "supergraph.yaml"
    path.write_text(text)
    return path


def test_env_reference_uses_value_then_default() -> None:
    env = {"HOST": "h"}
    assert expand_env("http://${env.HOST}:${env.PORT:-4001}/g", env, where="x") == "http://h:4001/g"


def test_env_reference_without_value_or_default_is_an_error() -> None:
    with pytest.raises(ConfigError, match="PORT is not set"):
        expand_env("${env.PORT}", {}, where="x")


def test_schema_file_is_read_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "a.graphql").write_text(SDL)
    path = write(
        tmp_path,
        "federation_version: =2.11.0\nsubgraphs:\n  a:\n    routing_url: ${env.A_URL:-http://a/graphql}\n"
        "    schema:\n      file: schemas/a.graphql\n",
    )
    config = load_config(path, env={})
    [source] = config.subgraphs
    assert (source.name, source.url, source.sdl) == ("a", "http://a/graphql", SDL)
    assert config.federation_version == "=2.11.0"


def test_inline_sdl_and_env_routing_url(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "subgraphs:\n  a:\n    routing_url: ${env.A_URL}\n"
        "    schema:\n      sdl: 'type Query { x: Int }'\n",
    )
    [source] = load_config(path, env={"A_URL": "http://elsewhere/graphql"}).subgraphs
    assert source.url == "http://elsewhere/graphql"
    assert source.sdl == "type Query { x: Int }"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("subgraphs: {}\nextra: 1\n", "unknown key"),
        ("subgraphs:\n  a:\n    routing_url: u\n    scheme: {}\n", "unknown key"),
        ("subgraphs:\n  a:\n    routing_url: u\n    schema:\n      files: x\n", "unknown key"),
        (
            "subgraphs:\n  a:\n    routing_url: u\n    schema:\n      file: missing.graphql\n",
            "cannot read schema file",
        ),
        (
            "subgraphs:\n  a:\n    routing_url: u\n    schema:\n      file: a\n      sdl: b\n",
            "exactly one",
        ),
        (
            (
                "federation_version: 1\nsubgraphs:\n  a:\n    routing_url: u\n"
                "    schema:\n      sdl: b\n"
            ),
            "not supported",
        ),
        ("subgraphs: [a, b]\n", "must map"),
        ("subgraphs: {a: {schema: {sdl: x}}}\n", "routing_url is required"),
        ("subgraphs: [\n", "not valid YAML"),
    ],
)
def test_bad_configs_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text), env={})


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_config(tmp_path / "nope.yaml", env={})


class _ServiceHandler(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, dict[str, object]]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append((self.headers.get("X-Api-Key", ""), body))
        payload = json.dumps({"data": {"_service": {"sdl": SDL}}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        del format, args


@pytest.fixture
def service_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _ServiceHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/graphql"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_subgraph_url_is_fetched_with_introspection_headers(
    tmp_path: Path, service_url: str
) -> None:
    _ServiceHandler.seen.clear()
    path = write(
        tmp_path,
        f"subgraphs:\n  a:\n    schema:\n      subgraph_url: {service_url}\n"
        "      introspection_headers:\n        X-Api-Key: ${env.KEY}\n",
    )
    [source] = load_config(path, env={"KEY": "secret"}).subgraphs
    assert source.sdl == SDL
    assert source.url == service_url  # routing_url defaults to the subgraph URL, like rover
    [(key, body)] = _ServiceHandler.seen
    assert key == "secret"
    assert body["query"] == "{ _service { sdl } }"


def test_unreachable_subgraph_url_names_the_subgraph(tmp_path: Path) -> None:
    path = write(
        tmp_path, "subgraphs:\n  a:\n    schema:\n      subgraph_url: http://127.0.0.1:9/graphql\n"
    )
    with pytest.raises(ConfigError, match="subgraph 'a': cannot fetch"):
        load_config(path, env={})
