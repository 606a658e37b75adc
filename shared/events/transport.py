"""How the dispatcher hands an event to a consumer: signed HTTP POST, or in-process (tests)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Protocol

import httpx
import yaml

from shared.events.envelope import SIGNATURE_HEADER, Event, sign_body

__all__ = [
    "DeliveryError",
    "HttpTransport",
    "InProcessTransport",
    "Transport",
    "consumer_urls",
]

# rover's interpolation: ${env.NAME:-default}. Only the default is used (see consumer_urls).
_ENV_REFERENCE = re.compile(r"\$\{env\.[A-Za-z_][A-Za-z0-9_]*(?::-(?P<default>[^}]*))?\}")


class DeliveryError(Exception):
    """The consumer did not acknowledge the event; the dispatcher retries later."""


class Transport(Protocol):
    @property
    def consumers(self) -> frozenset[str]:
        """The consumers this transport can reach."""
        ...

    async def deliver(self, consumer: str, event: Event) -> None:
        """Hand `event` to `consumer`; raise DeliveryError unless it was acknowledged."""
        ...


def consumer_urls(*, supergraph_config: Path, overrides: Mapping[str, str]) -> dict[str, str]:
    """Each consumer's `/events` URL: its routing_url's origin, unless EVENT_CONSUMER_URLS says.

    `${env.X:-default}` in supergraph.yaml resolves to its default here; deployments whose
    subgraphs live elsewhere set EVENT_CONSUMER_URLS (JSON: name -> base URL).
    """
    urls: dict[str, str] = {}
    if supergraph_config.is_file():
        config = yaml.safe_load(supergraph_config.read_text()) or {}
        for name, entry in (config.get("subgraphs") or {}).items():
            routing_url = _ENV_REFERENCE.sub(
                lambda m: m.group("default") or "", str(entry.get("routing_url", ""))
            )
            url = httpx.URL(routing_url)
            if url.scheme and url.host:
                urls[name] = str(url.copy_with(path="/events", query=None))
    for name, base in overrides.items():
        urls[name] = base.rstrip("/") + "/events"
    return urls


class HttpTransport:
    """POST the envelope to `<consumer>/events`, signed with the internal secret."""

    def __init__(self, *, client: httpx.AsyncClient, urls: Mapping[str, str], secret: str) -> None:
        self._client = client
        self._urls = dict(urls)
        self._secret = secret

    @property
    def consumers(self) -> frozenset[str]:
        return frozenset(self._urls)

    async def deliver(self, consumer: str, event: Event) -> None:
        body = event.to_json()
        try:
            response = await self._client.post(
                self._urls[consumer],
                content=body,
                headers={
                    "content-type": "application/json",
                    SIGNATURE_HEADER: sign_body(body, secret=self._secret),
                    # The consumer logs the delivery under the event's id.
                    "x-request-id": f"event-{event.id.hex}",
                },
            )
        except httpx.HTTPError as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        if response.status_code != 200:
            raise DeliveryError(f"HTTP {response.status_code}")


class InProcessTransport:
    """Call consumer handlers directly; for tests and single-process tools."""

    def __init__(self, handlers: Mapping[str, Callable[[Event], Awaitable[None]]]) -> None:
        self._handlers = dict(handlers)

    @property
    def consumers(self) -> frozenset[str]:
        return frozenset(self._handlers)

    async def deliver(self, consumer: str, event: Event) -> None:
        try:
            await self._handlers[consumer](event)
        except DeliveryError:
            raise
        except Exception as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
