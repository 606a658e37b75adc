"""The README's GraphiQL examples work: each runs through the router on the demo data with
no errors and finds what the README says it finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e_stack import Stack

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
# The example blocks of "Two commands"; the login/me pair needs a token and is covered by
# tests/dev/test_dev_runner_e2e.py.
EXAMPLES = [
    block
    for block in re.findall(r"```graphql\n(.*?)```", README, re.DOTALL)
    if not block.lstrip().startswith("mutation")
]


def test_the_readme_shows_three_examples() -> None:
    assert len(EXAMPLES) == 3


@pytest.mark.parametrize("query", EXAMPLES, ids=["place", "nearby", "search"])
async def test_a_readme_example_answers_without_errors(e2e: Stack, query: str) -> None:
    data = (await e2e.gql(query)).ok()
    if "place" in data:
        place = data["place"]
        assert place["city"]["country"]["name"]
        assert place["articles"]["edges"], "the example place has a demo article"
        assert place["articles"]["edges"][0]["node"]["author"]["displayName"]
        assert place["rfPartner"]["vouchers"]["edges"]
    elif "nearby" in data:
        kinds = {edge["node"]["item"]["__typename"] for edge in data["nearby"]["edges"]}
        assert kinds <= {"Place", "Partner"}
        assert all(edge["node"]["item"]["name"] for edge in data["nearby"]["edges"])
        assert len(data["nearby"]["edges"]) == 5
    else:
        assert data["search"]["edges"][0]["node"]["nameEn"] == "Wat Arun"
        assert data["searchArticles"]["edges"]
