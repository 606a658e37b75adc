"""Trusted documents: Apollo persisted-query manifests, grouped per client.

A manifest is `{"format": "apollo-persisted-query-manifest", "version": 1, "operations":
[{"id", "name", "type", "body"}]}` (what `generate-persisted-query-manifest` writes). A
client may have several; its documents are found by id or by exact body.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from router.persisted.config import ClientDocumentsConfig, Policy

__all__ = ["ClientDocuments", "ManifestError", "TrustedDocument", "load_clients", "load_manifest"]

MANIFEST_FORMAT = "apollo-persisted-query-manifest"


class ManifestError(Exception):
    """A manifest file is unreadable or not an Apollo persisted-query manifest (v1)."""


@dataclass(frozen=True, slots=True)
class TrustedDocument:
    id: str
    name: str | None
    type: str | None
    body: str


@dataclass(slots=True)
class ClientDocuments:
    """One client's policy, API key and trusted documents (by id and by body)."""

    policy: Policy
    api_key: str | None = None
    by_id: dict[str, TrustedDocument] = field(default_factory=dict)
    bodies: set[str] = field(default_factory=set)

    def add(self, documents: Iterable[TrustedDocument]) -> None:
        for document in documents:
            self.by_id[document.id] = document
            self.bodies.add(document.body)

    def accepts_key(self, presented: str | None) -> bool:
        if self.api_key is None:
            return True
        return presented is not None and hmac.compare_digest(presented, self.api_key)


def _text(entry: dict[str, object], key: str, path: Path, required: bool) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise ManifestError(f"{path}: every operation needs a string '{key}'")
    return value


def load_manifest(path: Path) -> list[TrustedDocument]:
    try:
        raw = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("format") != MANIFEST_FORMAT:
        raise ManifestError(f"{path}: not an {MANIFEST_FORMAT}")
    if raw.get("version") != 1:
        raise ManifestError(f"{path}: unsupported manifest version {raw.get('version')!r}")
    operations = raw.get("operations")
    if not isinstance(operations, list):
        raise ManifestError(f"{path}: 'operations' must be a list")
    documents: list[TrustedDocument] = []
    for entry in operations:
        if not isinstance(entry, dict):
            raise ManifestError(f"{path}: every operation must be an object")
        documents.append(
            TrustedDocument(
                id=_text(entry, "id", path, required=True) or "",
                name=_text(entry, "name", path, required=False),
                type=_text(entry, "type", path, required=False),
                body=_text(entry, "body", path, required=True) or "",
            )
        )
    return documents


def load_clients(clients: Mapping[str, ClientDocumentsConfig]) -> dict[str, ClientDocuments]:
    """Every configured client with the documents of all its manifests."""
    loaded: dict[str, ClientDocuments] = {}
    for name, config in clients.items():
        documents = ClientDocuments(policy=config.policy, api_key=config.api_key)
        for path in config.manifests:
            documents.add(load_manifest(path))
        loaded[name] = documents
    return loaded
