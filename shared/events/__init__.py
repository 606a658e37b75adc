"""Transactional outbox, dispatcher and idempotent consumers. See docs/outbox.md."""

from shared.events.consumer import ConsumerRegistry, Handler, apply_event, events_router
from shared.events.dispatcher import Dispatcher, RetryPolicy
from shared.events.envelope import SIGNATURE_HEADER, Event, sign_body, verify_body
from shared.events.outbox import emit
from shared.events.topology import EVENT_TYPES, TOPOLOGY, consumed_by, consumers_of
from shared.events.transport import (
    DeliveryError,
    HttpTransport,
    InProcessTransport,
    Transport,
    consumer_urls,
)

__all__ = [
    "EVENT_TYPES",
    "SIGNATURE_HEADER",
    "TOPOLOGY",
    "ConsumerRegistry",
    "DeliveryError",
    "Dispatcher",
    "Event",
    "Handler",
    "HttpTransport",
    "InProcessTransport",
    "RetryPolicy",
    "Transport",
    "apply_event",
    "consumed_by",
    "consumer_urls",
    "consumers_of",
    "emit",
    "events_router",
    "sign_body",
    "verify_body",
]
