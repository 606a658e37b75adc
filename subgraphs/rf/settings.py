"""Everything the rf subgraph reads from the environment (docs/configuration.md)."""

from __future__ import annotations

from typing import ClassVar

from shared.settings import ServiceSettings

__all__ = ["RfSettings"]


class RfSettings(ServiceSettings):
    service_name: ClassVar[str] = "rf"
