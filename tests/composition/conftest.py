"""Fixtures of the composition tests."""

from __future__ import annotations

import os

import pytest
from composition_support import apollo_available


@pytest.fixture
def require_apollo() -> None:
    """Skip when node or @apollo/composition is missing, except in CI where it must run."""
    if not apollo_available():
        if os.environ.get("CI") == "true":
            pytest.fail("node is required in CI to compare with @apollo/composition")
        pytest.skip("node or @apollo/composition not available (set APOLLO_COMPOSITION_DIR)")
