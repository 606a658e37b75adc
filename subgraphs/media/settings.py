"""Everything the media subgraph reads from the environment (docs/configuration.md)."""

from __future__ import annotations

from typing import ClassVar

from shared.settings import ServiceSettings

__all__ = ["MediaSettings"]


class MediaSettings(ServiceSettings):
    service_name: ClassVar[str] = "media"
