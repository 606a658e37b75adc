"""Canonicalise the media demo data: ids, resolved atlas references, one row a line.

Articles are written by hand with atlas slugs; this script fills ``id`` from the slug and
``city_id``/``place_ids`` from the atlas demo ids of the referenced rows (failing on a slug
the atlas does not have), then writes each file in canonical form.

    python -m subgraphs.media.demo.build           # rewrite the files in place
    python -m subgraphs.media.demo.build --check   # exit 1 if any file is not canonical
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from subgraphs.atlas.demo import load_cities, load_places
from subgraphs.atlas.demo.build import Json, report, sync
from subgraphs.media.demo import ArticleRow, RubricRow, TagRow, demo_id

HERE = Path(__file__).parent


def _article_filler() -> Callable[[Json], Json]:
    cities = {city.slug: city.id for city in load_cities()}
    places = {place.slug: place.id for place in load_places()}

    def fill(row: Json) -> Json:
        return {
            **row,
            "id": str(demo_id("article", row["slug"])),
            "city_id": str(cities[row["city_slug"]]),
            "place_ids": [str(places[slug]) for slug in row["place_slugs"]],
        }

    return fill


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Canonicalise the media demo data.")
    parser.add_argument("--check", action="store_true", help="only report non-canonical files")
    check = parser.parse_args(argv).check
    results = {
        "rubrics.json": sync(HERE / "rubrics.json", RubricRow, check=check),
        "tags.json": sync(HERE / "tags.json", TagRow, check=check),
        "articles.json": sync(
            HERE / "articles.json", ArticleRow, fill=_article_filler(), check=check
        ),
    }
    return report(results, check=check)


if __name__ == "__main__":
    sys.exit(main())
