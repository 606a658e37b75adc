"""The runner refuses to start, saying why, when supergraph.yaml or the ports cannot work.

In-process: the refusals come before anything is started, so no database is needed.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.dev.lock import hold_run_directory
from shared.dev.runner import DevRunner
from shared.dev.settings import DevSettings
from shared.dev.supervisor import Console


async def run_with(config: str, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "supergraph.yaml"
    path.write_text(textwrap.dedent(config))
    settings = DevSettings(
        database_url="postgresql://nobody@127.0.0.1:9/never",  # never reached
        dev_supergraph_config=path,
        dev_run_dir=tmp_path / "run",
    )
    output = io.StringIO()
    code = await DevRunner(settings=settings, environ={}, console=Console(output)).run()
    return code, output.getvalue()


async def test_a_listed_subgraph_without_an_app_is_refused(tmp_path: Path) -> None:
    code, output = await run_with(
        """
        subgraphs:
          nosuch:
            routing_url: http://127.0.0.1:4999/graphql
        """,
        tmp_path,
    )

    assert code == 1
    assert "lists 'nosuch' but subgraphs.nosuch.app does not exist" in output


async def test_an_empty_subgraph_list_is_refused(tmp_path: Path) -> None:
    code, output = await run_with("subgraphs: {}\n", tmp_path)

    assert code == 1
    assert "lists no subgraphs" in output
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler, "handlers removed"


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


async def test_a_taken_port_is_named(tmp_path: Path, taken_port: int) -> None:
    code, output = await run_with(
        f"""
        subgraphs:
          users:
            routing_url: http://127.0.0.1:{taken_port}/graphql
        """,
        tmp_path,
    )

    assert code == 1
    assert f"port(s) already in use: users 127.0.0.1:{taken_port}" in output
    assert "DEV_PORT_OFFSET" in output


async def test_a_run_directory_another_runner_holds_is_refused(tmp_path: Path) -> None:
    with hold_run_directory(tmp_path / "run"):
        code, output = await run_with("subgraphs: {}\n", tmp_path)

    assert code == 1
    assert f"another runner (pid {os.getpid()}) is using {tmp_path / 'run'}" in output


async def test_the_run_directory_is_free_again_after_a_run(tmp_path: Path) -> None:
    await run_with("subgraphs: {}\n", tmp_path)

    with hold_run_directory(tmp_path / "run"):
        pass
