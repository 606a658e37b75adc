"""`python -m router ...`: the real process over real HTTP, and start-up refusals."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import httpx
import pytest
from router_fakes import IDENTITY_SECRET, unused_port

from router.__main__ import main

REPO = Path(__file__).resolve().parents[2]


async def _run(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "router",
        *args,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        _, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stderr.decode()


@pytest.mark.slow
async def test_serve_answers_graphql_and_health_over_http(
    tmp_path: Path, supergraph_sdl: str
) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(supergraph_sdl, encoding="utf-8")
    config = tmp_path / "router.yaml"
    config.write_text(
        "authentication:\n  identity:\n    secret: ${env.TEST_IDENTITY_SECRET}\n",
        encoding="utf-8",
    )
    port = unused_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "router",
        "serve",
        "--supergraph",
        str(supergraph),
        "--config",
        str(config),
        "--port",
        str(port),
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "TEST_IDENTITY_SECRET": IDENTITY_SECRET},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            healthy: list[bool] = []

            async def probe() -> None:
                try:
                    healthy.append((await client.get("/health")).status_code == 200)
                except httpx.TransportError:
                    healthy.append(False)

            async with asyncio.timeout(30):
                while not healthy or not healthy[-1]:
                    assert process.returncode is None
                    await probe()
                    await asyncio.sleep(0.1)
            response = await client.post("/graphql", json={"query": "{ users { name } }"})
            assert response.json() == {"data": {"users": [{"name": "Ada"}, {"name": "Linus"}]}}
            page = await client.get("/graphql", headers={"accept": "text/html"})
            assert "graphiql.js" in page.text
    finally:
        process.terminate()
        async with asyncio.timeout(15):
            await process.wait()


@pytest.mark.slow
async def test_invalid_config_stops_start_up_naming_the_file(tmp_path: Path) -> None:
    config = tmp_path / "router.yaml"
    config.write_text("traffic_shaping:\n  all:\n    timeout: soon\n", encoding="utf-8")
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text("type Query { a: Int }", encoding="utf-8")
    code, stderr = await _run("serve", "--supergraph", str(supergraph), "--config", str(config))
    assert code == 2
    assert str(config) in stderr
    assert "traffic_shaping.all.timeout" in stderr


@pytest.mark.slow
async def test_broken_supergraph_stops_start_up_naming_the_file(tmp_path: Path) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text("type Query {", encoding="utf-8")
    code, stderr = await _run("serve", "--supergraph", str(supergraph))
    assert code == 1
    assert f"{supergraph}: cannot load the supergraph" in stderr


def test_compose_is_dispatched_to_the_composer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compose", "--config", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml" in capsys.readouterr().err


def test_config_schema_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config-schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert set(schema["properties"]) >= {"supergraph", "traffic_shaping", "authentication"}
