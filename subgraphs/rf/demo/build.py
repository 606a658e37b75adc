"""Canonicalise the rf demo data: ids, resolved atlas references, one row a line.

Partners are written by hand with atlas slugs; this script fills every id, resolves
``city_id`` and ``place_id`` to atlas demo ids, copies a partner's ``lat``/``lng`` from the
place it sits at (failing when that place lies in another city), and links each voucher
to its partner's id. Unknown slugs fail loudly.

    python -m subgraphs.rf.demo.build           # rewrite the files in place
    python -m subgraphs.rf.demo.build --check   # exit 1 if any file is not canonical
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from subgraphs.atlas.demo import load_cities, load_places
from subgraphs.atlas.demo.build import Json, report, sync
from subgraphs.rf.demo import PartnerRow, ServiceRow, VoucherRow, demo_id, service_id

HERE = Path(__file__).parent


def _partner_filler() -> Callable[[Json], Json]:
    cities = {city.slug: city.id for city in load_cities()}
    places = {place.slug: place for place in load_places()}
    service_keys = [field.name for field in dataclasses.fields(ServiceRow) if field.name != "id"]

    def fill(row: Json) -> Json:
        filled = {
            **row,
            "id": str(demo_id("partner", row["slug"])),
            "city_id": str(cities[row["city_slug"]]),
            "place_id": None,
            "services": [
                {"id": str(service_id(row["slug"], service["title_ru"]))}
                | {key: service[key] for key in service_keys}
                for service in row["services"]
            ],
        }
        if row["place_slug"] is not None:
            place = places[row["place_slug"]]
            if place.city_slug != row["city_slug"]:
                raise ValueError(f"partner {row['slug']}: {place.slug} is in {place.city_slug}")
            filled |= {"place_id": str(place.id), "lat": place.lat, "lng": place.lng}
        return filled

    return fill


def _voucher_filler() -> Callable[[Json], Json]:
    rows: list[Json] = json.loads((HERE / "partners.json").read_text(encoding="utf-8"))
    partners = {row["slug"] for row in rows}

    def fill(row: Json) -> Json:
        if row["partner_slug"] not in partners:
            raise ValueError(f"voucher {row['slug']}: no partner {row['partner_slug']}")
        return {
            **row,
            "id": str(demo_id("voucher", row["slug"])),
            "partner_id": str(demo_id("partner", row["partner_slug"])),
        }

    return fill


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Canonicalise the rf demo data.")
    parser.add_argument("--check", action="store_true", help="only report non-canonical files")
    check = parser.parse_args(argv).check
    results = {
        "partners.json": sync(
            HERE / "partners.json", PartnerRow, fill=_partner_filler(), check=check
        ),
        "vouchers.json": sync(
            HERE / "vouchers.json", VoucherRow, fill=_voucher_filler(), check=check
        ),
    }
    return report(results, check=check)


if __name__ == "__main__":
    sys.exit(main())
