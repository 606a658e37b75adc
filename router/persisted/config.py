"""`persisted_queries` in router.yaml: APQ and trusted documents per client."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ApqConfig", "ClientDocumentsConfig", "PersistedQueriesConfig", "Policy"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Policy(StrEnum):
    """What a client may run."""

    SAFELIST = "safelist"  # only the documents of its manifests
    ALLOW = "allow"  # anything
    LOG_UNKNOWN = "log_unknown"  # anything; documents outside its manifests are counted and logged


class ApqConfig(_Section):
    """Automatic persisted queries: a client sends a hash and registers the text on a miss."""

    enabled: bool = True
    cache_size: int = Field(
        default=10_000,
        ge=1,
        description="in-process LRU size (the store without Redis; in front of it with)",
    )
    ttl_seconds: int = Field(default=86_400, ge=1, description="lifetime of an entry in Redis")
    get_max_age_seconds: int = Field(
        default=300, ge=0, description="Cache-Control max-age of GET responses found by hash"
    )


class ClientDocumentsConfig(_Section):
    policy: Policy = Policy.ALLOW
    manifests: list[Path] = Field(
        default_factory=list, description="Apollo persisted-query manifest files of this client"
    )
    api_key: str | None = Field(
        default=None,
        description="when set, requests naming this client must carry it in `api_key_header`",
    )


class PersistedQueriesConfig(_Section):
    enabled: bool = False
    apq: ApqConfig = ApqConfig()
    api_key_header: str = "x-api-key"
    default_policy: Policy = Field(
        default=Policy.ALLOW, description="policy of clients not listed in `clients`"
    )
    clients: dict[str, ClientDocumentsConfig] = Field(
        default_factory=dict, description="client name (apollographql-client-name) -> documents"
    )
