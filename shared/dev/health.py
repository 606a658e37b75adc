"""Waiting for started services: ports free before, HTTP health endpoints up after."""

from __future__ import annotations

import asyncio
import errno
import socket
import time
from collections.abc import Iterable

import httpx

__all__ = ["NotHealthyError", "busy_ports", "wait_http_ok"]


class NotHealthyError(RuntimeError):
    """A service did not answer its health check in time."""


def busy_ports(addresses: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """The (host, port) pairs something already listens on."""
    busy: list[tuple[str, int]] = []
    for host, port in addresses:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
            try:
                probe.bind((host, port))
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    raise
                busy.append((host, port))
    return busy


async def wait_http_ok(url: str, *, timeout_seconds: float) -> None:
    """Poll `url` until it answers 200."""
    deadline = time.monotonic() + timeout_seconds
    last_problem = "no answer"
    async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            try:
                response = await client.get(url)
            except httpx.TransportError as error:
                last_problem = type(error).__name__
            else:
                if response.status_code == 200:
                    return
                last_problem = f"HTTP {response.status_code}: {response.text[:200]}"
            await asyncio.sleep(0.2)
    raise NotHealthyError(f"{url} not healthy within {timeout_seconds:g}s ({last_problem})")
