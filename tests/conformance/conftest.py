"""The conformance harness for the session: cases are started on first use, stopped at the end."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from conformance_harness import Conformance


@pytest.fixture(scope="session")
async def conformance(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Conformance]:
    harness = Conformance(tmp_path_factory.mktemp("conformance"))
    yield harness
    await harness.close()
