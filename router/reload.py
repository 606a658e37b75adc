"""The live supergraph state and its hot reload.

`StateHolder.current` is the state new requests start with. A reload builds a complete
new `RouterState` (supergraph, API schema, planner, empty caches) off to the side and
swaps it in with one assignment; requests in flight keep the state object they took, so
nothing is dropped and nothing mixes. A file that fails to load is refused with a logged
error and the previous state keeps serving.

Sources: a supergraph SDL file (`--supergraph`), or a `supergraph.yaml` composed at load
time by the composer (`--config-supergraph`). Either is watched with watchfiles; the
directory is watched, not the inode, so editors that replace files are seen too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from watchfiles import Change, awatch

from router.config import RouterConfig
from router.pipeline.state import RouterState

__all__ = [
    "ComposedSupergraphSource",
    "FileSupergraphSource",
    "StateHolder",
    "SupergraphSource",
    "SupergraphWatcher",
    "build_state",
]

logger = logging.getLogger(__name__)


class SupergraphSource(Protocol):
    """Where the supergraph SDL comes from, and which file to watch for changes."""

    @property
    def watched_path(self) -> Path: ...

    def load_sdl(self) -> str: ...


@dataclass(frozen=True, slots=True)
class FileSupergraphSource:
    path: Path

    @property
    def watched_path(self) -> Path:
        return self.path

    def load_sdl(self) -> str:
        return self.path.read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class ComposedSupergraphSource:
    """A rover-style `supergraph.yaml`, composed by `router.composition` at each load."""

    config_path: Path

    @property
    def watched_path(self) -> Path:
        return self.config_path

    def load_sdl(self) -> str:
        from router.composition import compose_from_config

        sdl: str = compose_from_config(self.config_path)
        return sdl


def build_state(source: SupergraphSource, config: RouterConfig) -> RouterState:
    """Load, parse and prepare a supergraph; raises on any problem with the source.

    With persisted queries on, the clients' trusted documents are planned right away.
    """
    state = RouterState.from_sdl(
        source.load_sdl(),
        document_cache_size=config.supergraph.document_cache_size,
        plan_cache_size=config.supergraph.query_plan_cache_size,
    )
    if config.persisted_queries.enabled:
        from router.persisted.warm import warm_plans_from_manifests

        warm_plans_from_manifests(state, config.persisted_queries)
    return state


class StateHolder:
    """The current state; swapping it is a single reference assignment."""

    def __init__(self, state: RouterState) -> None:
        self.current = state

    def swap(self, state: RouterState) -> RouterState:
        previous, self.current = self.current, state
        return previous


class SupergraphWatcher:
    """Reload the supergraph when its source changes; refuse broken versions."""

    def __init__(
        self,
        holder: StateHolder,
        source: SupergraphSource,
        config: RouterConfig,
        *,
        on_reload: Callable[[RouterState], None] | None = None,
    ) -> None:
        self._holder = holder
        self._source = source
        self._config = config
        self._on_reload = on_reload
        self.reloads = 0
        self.failures = 0

    async def reload(self) -> bool:
        """Try to load the source now; True when the new state was swapped in."""
        try:
            state = await asyncio.to_thread(build_state, self._source, self._config)
        except Exception as exc:  # noqa: BLE001 - any failure means: keep serving the old one
            self.failures += 1
            logger.error(  # noqa: TRY400 - the cause is in the message; no traceback wanted
                "supergraph reload refused, still serving generation %d: %s: %s",
                self._holder.current.generation,
                self._source.watched_path,
                exc,
            )
            return False
        if state.sdl == self._holder.current.sdl:
            return False
        self._holder.swap(state)
        self.reloads += 1
        logger.info(
            "supergraph reloaded from %s (generation %d)",
            self._source.watched_path,
            state.generation,
        )
        if self._on_reload is not None:
            self._on_reload(state)
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Watch until `stop` is set; a failing watcher is logged, never silent."""
        target = self._source.watched_path.resolve()

        def relevant(change: Change, path: str) -> bool:
            return change is not Change.deleted and Path(path).resolve() == target

        try:
            async for _ in awatch(
                target.parent, watch_filter=relevant, stop_event=stop, debounce=200, step=50
            ):
                await self.reload()
        except Exception:
            logger.exception("supergraph watcher stopped: %s is no longer watched", target)
            raise
