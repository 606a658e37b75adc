"""Everything the atlas subgraph reads from the environment (docs/configuration.md)."""

from __future__ import annotations

from typing import ClassVar

from shared.settings import ServiceSettings

__all__ = ["AtlasSettings"]


class AtlasSettings(ServiceSettings):
    service_name: ClassVar[str] = "atlas"
