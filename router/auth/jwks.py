"""One JWK Set (from a URL or a file), cached, polled, refreshed on an unknown `kid`.

Keys are loaded lazily on the first token that needs them, then reloaded every
`poll_interval`. A token naming a `kid` the set does not hold triggers one early reload
(a key was just rotated in), but at most once per `unknown_kid_refresh_interval` per
source: a stream of tokens with forged kids costs the JWKS endpoint one request per
interval, not one per token. Reloads are single-flight; a failed reload keeps the keys
already known (and is retried at the next opportunity), so a JWKS outage does not log
everybody out. A key removed from the set (rotated out) stops verifying at the next
reload.

Only asymmetric keys are used: `oct` (shared-secret) keys and keys marked `use: enc` are
ignored, and a key is only tried with an algorithm of its own family (and its own `alg`
when the set states one), so an HS256 token can never be checked against a public key
used as an HMAC secret.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from jwt import PyJWK
from jwt.exceptions import PyJWKError

from router.config import JwksConfig

__all__ = ["JwksSource"]

logger = logging.getLogger(__name__)

_FAMILIES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}
_FETCH_TIMEOUT = 5.0


def _keys(document: Any) -> list[dict[str, Any]]:
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list):
        raise ValueError("the document has no 'keys' array")  # noqa: TRY004 - a bad JWKS
    return [key for key in keys if isinstance(key, dict)]


def _family(algorithm: str) -> str | None:
    return _FAMILIES.get(algorithm[:2])


class JwksSource:
    """The keys of one `authentication.jwt.jwks[]` entry."""

    def __init__(
        self,
        config: JwksConfig,
        *,
        unknown_kid_refresh_interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.issuers = frozenset(config.issuers)
        self.audiences = list(config.audiences)
        self.algorithms = frozenset(config.algorithms)
        self._unknown_interval = unknown_kid_refresh_interval
        self._clock = clock
        self._jwks: list[dict[str, Any]] = []
        self._built: dict[tuple[int, str], PyJWK] = {}
        self._loaded_at: float | None = None
        self._unknown_refresh_at: float | None = None
        self._lock = asyncio.Lock()
        self.loads = 0  # completed reload attempts (observable in tests)
        self.generation = 0  # bumped whenever the keys are replaced

    @property
    def name(self) -> str:
        return self.config.url or str(self.config.file)

    def accepts(self, *, algorithm: str, issuer: object) -> bool:
        """Whether a token with this `alg` and `iss` is this source's to verify."""
        if algorithm not in self.algorithms:
            return False
        return not self.issuers or issuer in self.issuers

    async def keys_for(self, kid: str | None, algorithm: str) -> list[Any]:
        """Public keys that may have signed a token with this `kid` and `alg`."""
        now = self._clock()
        if self._loaded_at is None or now - self._loaded_at >= self.config.poll_interval:
            await self._reload(since=self._loaded_at)
        keys = self._matching(kid, algorithm)
        if not keys and kid is not None and self._may_refresh_for_unknown_kid():
            await self._reload(since=self._loaded_at)
            keys = self._matching(kid, algorithm)
        return keys

    def _may_refresh_for_unknown_kid(self) -> bool:
        now = self._clock()
        last = self._unknown_refresh_at
        if last is not None and now - last < self._unknown_interval:
            return False
        self._unknown_refresh_at = now
        return True

    def _matching(self, kid: str | None, algorithm: str) -> list[Any]:
        family = _family(algorithm)
        found: list[Any] = []
        for index, jwk in enumerate(self._jwks):
            if kid is not None and jwk.get("kid") != kid:
                continue
            if jwk.get("kty") != family or jwk.get("use", "sig") != "sig":
                continue
            if jwk.get("alg", algorithm) != algorithm:
                continue
            built = self._built.get((index, algorithm))
            if built is None:
                try:
                    built = PyJWK(jwk, algorithm=algorithm)
                except PyJWKError:
                    continue
                self._built[(index, algorithm)] = built
            found.append(built.key)
        return found

    async def _reload(self, *, since: float | None) -> None:
        async with self._lock:
            if self._loaded_at != since:
                return  # another request reloaded while this one waited
            try:
                self._jwks = _keys(await self._fetch())
                self._built = {}
                self.generation += 1
            except (OSError, ValueError, httpx.HTTPError) as exc:
                logger.warning(
                    "cannot load JWKS %s: %s (keeping %d known keys)",
                    self.name,
                    exc,
                    len(self._jwks),
                )
            self._loaded_at = self._clock()
            self.loads += 1

    async def _fetch(self) -> Any:
        if self.config.file is not None:
            path: Path = self.config.file
            return json.loads(await asyncio.to_thread(path.read_bytes))
        assert self.config.url is not None
        async with httpx.AsyncClient(timeout=_FETCH_TIMEOUT) as client:
            response = await client.get(self.config.url, headers={"accept": "application/json"})
            response.raise_for_status()
            return response.json()
