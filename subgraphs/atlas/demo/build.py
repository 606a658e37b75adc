"""Canonicalise the atlas demo data: assign deterministic ids, order keys, one row a line.

The JSON files are curated by hand; this script is the only thing that rewrites them.
It fills each row's ``id`` with :func:`demo_id` of its slug, orders every row's keys as
the row type declares its fields and writes one compact JSON object per line, so diffs
stay readable and a re-run changes nothing.

    python -m subgraphs.atlas.demo.build           # rewrite the files in place
    python -m subgraphs.atlas.demo.build --check   # exit 1 if any file is not canonical
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from subgraphs.atlas.demo import CityRow, CountryRow, GuideRow, PlaceRow, ThemeRow, demo_id

__all__ = ["Json", "id_filler", "main", "render", "report", "sync"]

Json = dict[str, Any]
HERE = Path(__file__).parent


def render(rows: Sequence[Json]) -> str:
    """A JSON array with one compact object per line."""
    lines = (json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows)
    return "[\n" + ",\n".join(lines) + "\n]\n"


def sync(
    path: Path,
    row_type: type[Any],
    *,
    fill: Callable[[Json], Json] | None = None,
    check: bool,
) -> bool:
    """Rewrite ``path`` canonically (or, with ``check``, only compare); True if it was canonical."""
    current = path.read_text(encoding="utf-8")
    rows: list[Json] = json.loads(current)
    order = [field.name for field in dataclasses.fields(row_type)]
    canonical = []
    for row in rows:
        filled = fill(row) if fill else row
        if set(filled) != set(order):
            unknown, missing = set(filled) - set(order), set(order) - set(filled)
            raise ValueError(f"{path.name}: unknown {unknown or '{}'}, missing {missing or '{}'}")
        canonical.append({key: filled[key] for key in order})
    text = render(canonical)
    if not check and text != current:
        path.write_text(text, encoding="utf-8")
    return text == current


def id_filler(kind: str) -> Callable[[Json], Json]:
    def fill(row: Json) -> Json:
        return {**row, "id": str(demo_id(kind, row["slug"]))}

    return fill


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only report non-canonical files")
    check = parser.parse_args(argv).check
    results = {
        "countries.json": sync(HERE / "countries.json", CountryRow, check=check),
        "cities.json": sync(HERE / "cities.json", CityRow, fill=id_filler("city"), check=check),
        "themes.json": sync(HERE / "themes.json", ThemeRow, check=check),
        "places.json": sync(HERE / "places.json", PlaceRow, fill=id_filler("place"), check=check),
        "guides.json": sync(HERE / "guides.json", GuideRow, fill=id_filler("guide"), check=check),
    }
    return report(results, check=check)


def report(results: dict[str, bool], *, check: bool) -> int:
    """Name the files that were (or, with ``check``, would be) rewritten; exit status."""
    stale = [name for name, canonical in results.items() if not canonical]
    for name in stale:
        sys.stderr.write(f"{'not canonical' if check else 'rewrote'}: {name}\n")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
