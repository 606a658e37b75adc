"""Everything the guru subgraph reads from the environment (docs/configuration.md)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings

__all__ = ["GuruSettings"]


class GuruSettings(ServiceSettings):
    service_name: ClassVar[str] = "guru"

    #: Largest `radiusMeters` a `nearby` query may ask for.
    nearby_max_radius_meters: int = Field(default=50_000, ge=1, le=1_000_000)
