"""Who consumes which event: the one static map, mirroring ARCHITECTURE.md's columns.

The dispatcher of the emitting subgraph fans each event out to the consumers listed here
that it can reach (see `shared.events.transport.consumer_urls`). A consumer appears here
before its handler exists only if it is meant to receive the event; a subgraph's
`events.py` registry must handle exactly the types listed for it (tested).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["EVENT_TYPES", "TOPOLOGY", "consumed_by", "consumers_of"]

_NOTIFY_AND_ANALYTICS = ("notify", "analytics")

TOPOLOGY: Mapping[str, frozenset[str]] = {
    event_type: frozenset(consumers)
    for event_type, consumers in {
        # users
        "user_registered": ("connect", "points", *_NOTIFY_AND_ANALYTICS),
        # atlas
        "place_created": ("guru", "analytics"),
        "place_updated": ("guru", "analytics"),
        # pulse
        "event_created": ("guru", *_NOTIFY_AND_ANALYTICS),
        "participation_changed": _NOTIFY_AND_ANALYTICS,
        "event_attended": ("quest", "points", *_NOTIFY_AND_ANALYTICS),
        # media
        "article_published": _NOTIFY_AND_ANALYTICS,
        # rf
        "partner_verified": ("guru", *_NOTIFY_AND_ANALYTICS),
        "voucher_purchase_requested": ("points", "analytics"),
        "voucher_purchased": _NOTIFY_AND_ANALYTICS,
        # rielt
        "property_published": ("guru", *_NOTIFY_AND_ANALYTICS),
        "lead_created": _NOTIFY_AND_ANALYTICS,
        "lead_status_changed": _NOTIFY_AND_ANALYTICS,
        # quest
        "quest_started": ("analytics",),
        "quest_completed": ("connect", "points", "nft", *_NOTIFY_AND_ANALYTICS),
        # connect
        "referral_registered": ("points", *_NOTIFY_AND_ANALYTICS),
        "referral_converted": ("points", *_NOTIFY_AND_ANALYTICS),
        # points
        "points_awarded": _NOTIFY_AND_ANALYTICS,
        "points_spent": ("rf", "chain", *_NOTIFY_AND_ANALYTICS),
        "points_spend_failed": ("rf", "chain", *_NOTIFY_AND_ANALYTICS),
        # nft
        "badge_awarded": ("chain", *_NOTIFY_AND_ANALYTICS),
        # chain
        "withdrawal_requested": ("points", "analytics"),
        "mint_confirmed": ("nft", "analytics"),
    }.items()
}

EVENT_TYPES: frozenset[str] = frozenset(TOPOLOGY)


def consumers_of(
    event_type: str, topology: Mapping[str, frozenset[str]] = TOPOLOGY
) -> frozenset[str]:
    return topology.get(event_type, frozenset())


def consumed_by(service: str, topology: Mapping[str, frozenset[str]] = TOPOLOGY) -> frozenset[str]:
    """The event types `service` must handle."""
    return frozenset(t for t, consumers in topology.items() if service in consumers)
