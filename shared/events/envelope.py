"""The event envelope and the HMAC that proves a delivery came from a subgraph."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

__all__ = ["SIGNATURE_HEADER", "Event", "sign_body", "verify_body"]

SIGNATURE_HEADER = "x-g2a-event-signature"
_DOMAIN = b"g2a-event-v1\n"  # keeps event MACs distinct from identity-header MACs


@dataclass(frozen=True, slots=True)
class Event:
    id: UUID
    type: str
    version: int
    occurred_at: datetime
    source: str
    payload: dict[str, Any]

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "id": str(self.id),
                "type": self.type,
                "version": self.version,
                "occurredAt": self.occurred_at.isoformat(),
                "source": self.source,
                "payload": self.payload,
            }
        )

    @classmethod
    def from_json(cls, body: bytes) -> Event:
        """Parse a delivered envelope; raises ValueError when it is malformed."""
        try:
            raw = orjson.loads(body)
            event = cls(
                id=UUID(raw["id"]),
                type=str(raw["type"]),
                version=int(raw["version"]),
                occurred_at=datetime.fromisoformat(raw["occurredAt"]),
                source=str(raw["source"]),
                payload=raw["payload"],
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
            raise ValueError("malformed event envelope") from error
        if not isinstance(event.payload, dict) or event.occurred_at.tzinfo is None:
            raise ValueError("malformed event envelope")
        return event


def sign_body(body: bytes, *, secret: str) -> str:
    return hmac.new(secret.encode(), _DOMAIN + body, hashlib.sha256).hexdigest()


def verify_body(body: bytes, signature: str | None, *, secret: str) -> bool:
    if not signature:
        return False
    return hmac.compare_digest(signature, sign_body(body, secret=secret))
