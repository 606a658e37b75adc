"""The atlas model agrees with its demo data and its event topology."""

from __future__ import annotations

from shared.events import consumed_by, consumers_of
from subgraphs.atlas.demo import PLACE_CATEGORIES
from subgraphs.atlas.events import PLACE_CREATED, PLACE_UPDATED, consumers
from subgraphs.atlas.models import PlaceCategory


def test_place_categories_are_the_demo_data_categories() -> None:
    assert tuple(category.value for category in PlaceCategory) == PLACE_CATEGORIES


def test_place_events_reach_guru_and_atlas_consumes_nothing() -> None:
    assert "guru" in consumers_of(PLACE_CREATED)
    assert "guru" in consumers_of(PLACE_UPDATED)
    assert consumers.event_types == consumed_by("atlas") == frozenset()
