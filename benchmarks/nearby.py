"""`nearby` over a large geo index: latency in the guru subgraph (target: p95 < 20 ms).

    .venv/bin/python -m benchmarks.nearby [--points 100000] [--queries 300] [--first 20]
                                          [--admin-dsn postgresql://postgres@127.0.0.1/postgres]

Creates a throw-away database (dropped at the end), migrates guru and fills its index with
`--points` items: 70 % clustered around the 37 demo cities (Gaussian, sigma ~ 8 km, the way
venues really cluster), 30 % spread uniformly over South-East Asia. Then, per radius (1, 5,
20 and 50 km, centres near random cities), it times, interleaved so machine load hits all
alike:

- `graphql`: the whole subgraph request, `POST /graphql` into the guru app in-process
  (parsing, validation, resolver, JSON) as the router calls it, minus the network;
- `service`: `subgraphs.guru.service.nearby` alone (session + the one statement);
- `btree`: the alternative docs/guru-index.md rejects, a B-tree on (lat, lng) with a
  bounding box and exact haversine on every candidate, same page, through the same kind of
  session (so the two differ only in their SQL).

It prints p50 / p95 / p99 and mean hits per page, and the plan of one query. Nothing is
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import random
import secrets
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from shared.geo import EARTH_RADIUS_METERS, GeoPointInput, LatLng
from shared.migrations import upgrade
from subgraphs.atlas.demo import load_cities, load_themes
from subgraphs.guru.app import create_app
from subgraphs.guru.service import EXPOSED_KINDS, GuruServices, nearby, nearby_statement
from subgraphs.guru.settings import GuruSettings

RADII = (1_000, 5_000, 20_000, 50_000)
SEA_BOX = (-10.0, 95.0, 28.0, 141.0)  # south, west, north, east
CLUSTER_SHARE = 0.7
CLUSTER_SIGMA_DEGREES = 0.07
NEARBY = """
query Nearby($at: GeoPointInput!, $radius: Int!, $first: Int!) {
  nearby(location: $at, radiusMeters: $radius, first: $first) {
    edges { cursor node { distanceMeters kind item { __typename ... on Place { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
BTREE_BASELINE = """
SELECT kind, entity_id, d FROM (
  SELECT kind, entity_id,
         2 * 6371008.8 * asin(least(1, sqrt(
           power(sin((radians(lat) - radians(:lat)) / 2), 2)
           + cos(radians(:lat)) * cos(radians(lat))
             * power(sin((radians(lng) - radians(:lng)) / 2), 2)
         ))) AS d
  FROM guru.geo_items
  WHERE lat BETWEEN :south AND :north AND lng BETWEEN :west AND :east
    AND kind IN ('PLACE', 'PARTNER')
) AS candidates
WHERE d <= :radius
ORDER BY d, kind, entity_id
LIMIT :limit
"""

Call = Callable[[GeoPointInput, int], Awaitable[int]]


def _points(count: int, rng: random.Random) -> list[tuple[Any, ...]]:
    cities = load_cities()
    themes = [theme.slug for theme in load_themes()]
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    rows = []
    south, west, north, east = SEA_BOX
    for _ in range(count):
        if rng.random() < CLUSTER_SHARE:
            city = rng.choice(cities)
            lat = min(90.0, max(-90.0, rng.gauss(city.lat, CLUSTER_SIGMA_DEGREES)))
            lng = min(180.0, max(-180.0, rng.gauss(city.lng, CLUSTER_SIGMA_DEGREES)))
        else:
            lat, lng = rng.uniform(south, north), rng.uniform(west, east)
        kind = "PLACE" if rng.random() < 0.8 else "PARTNER"
        rows.append((kind, uuid.uuid4(), lat, lng, rng.sample(themes, 2), epoch))
    return rows


async def _fill(dsn: str, points: int) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        rows = _points(points, random.Random(20261126))  # noqa: S311 - reproducible test data
        await connection.copy_records_to_table(
            "geo_items",
            schema_name="guru",
            records=rows,
            columns=["kind", "entity_id", "lat", "lng", "themes", "source_at"],
        )
        # Only for the `btree` baseline; `nearby` never uses it.
        await connection.execute("CREATE INDEX bench_lat_lng ON guru.geo_items (lat, lng)")
        await connection.execute("VACUUM ANALYZE guru.geo_items")
    finally:
        await connection.close()


def _centres(count: int, rng: random.Random) -> list[GeoPointInput]:
    cities = load_cities()
    return [
        GeoPointInput(
            lat=rng.gauss(city.lat, CLUSTER_SIGMA_DEGREES / 2),
            lng=rng.gauss(city.lng, CLUSTER_SIGMA_DEGREES / 2),
        )
        for city in (rng.choice(cities) for _ in range(count))
    ]


def _summary(label: str, timings: list[float], hits: list[int]) -> str:
    cuts = statistics.quantiles(timings, n=100)
    return (
        f"{label:<20} p50 {cuts[49]:6.2f} ms   p95 {cuts[94]:6.2f} ms   "
        f"p99 {cuts[98]:6.2f} ms   mean hits {statistics.fmean(hits):5.1f}"
    )


async def _time_interleaved(
    calls: dict[str, Call], centres: list[GeoPointInput], radius: int
) -> dict[str, tuple[list[float], list[int]]]:
    for centre in centres[:20]:  # warm-up: pools, caches, prepared statements
        for call in calls.values():
            await call(centre, radius)
    results: dict[str, tuple[list[float], list[int]]] = {name: ([], []) for name in calls}
    for centre in centres:
        for name, call in calls.items():
            started = time.perf_counter()
            hits = await call(centre, radius)
            results[name][0].append((time.perf_counter() - started) * 1000)
            results[name][1].append(hits)
    return results


def _btree_call(sessions: Any, first: int) -> Call:
    statement = text(BTREE_BASELINE)

    async def btree(centre: GeoPointInput, radius: int) -> int:
        d_lat = math.degrees(radius / EARTH_RADIUS_METERS)
        widest = min(89.9, abs(centre.lat) + d_lat)
        d_lng = math.degrees(radius / (EARTH_RADIUS_METERS * math.cos(math.radians(widest))))
        async with sessions() as session:
            rows = (
                await session.execute(
                    statement,
                    {
                        "lat": centre.lat,
                        "lng": centre.lng,
                        "south": centre.lat - d_lat,
                        "north": centre.lat + d_lat,
                        "west": centre.lng - d_lng,
                        "east": centre.lng + d_lng,
                        "radius": float(radius),
                        "limit": first + 1,
                    },
                )
            ).all()
        return min(len(rows), first)

    return btree


async def _bench(url: str, dsn: str, queries: int, first: int) -> None:
    settings = GuruSettings(
        database_url=url, outbox_dispatcher_enabled=False, graphql_ide=False, log_level="WARNING"
    )
    app = create_app(settings)
    services = GuruServices(max_radius_meters=settings.nearby_max_radius_meters)
    sessions = app.state.subgraph.sessions
    centres = _centres(queries, random.Random(7))  # noqa: S311 - reproducible test data

    async def service(centre: GeoPointInput, radius: int) -> int:
        async with sessions() as session:
            page = await nearby(
                session,
                services=services,
                location=centre,
                radius_meters=radius,
                kinds=None,
                first=first,
                after=None,
            )
        return len(page.hits)

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://guru.bench"
        ) as client,
    ):

        async def graphql(centre: GeoPointInput, radius: int) -> int:
            variables = {"at": {"lat": centre.lat, "lng": centre.lng}, "radius": radius}
            response = await client.post(
                "/graphql", json={"query": NEARBY, "variables": variables | {"first": first}}
            )
            body = response.json()
            assert "errors" not in body, body
            return len(body["data"]["nearby"]["edges"])

        calls = {"graphql": graphql, "service": service, "btree": _btree_call(sessions, first)}
        for radius in RADII:
            results = await _time_interleaved(calls, centres, radius)
            for name, (timings, hits) in results.items():
                print(_summary(f"{name} r={radius // 1000} km", timings, hits))  # noqa: T201
    await _explain(dsn, centres[0])


async def _explain(dsn: str, centre: GeoPointInput) -> None:
    """The plan of one 20 km query: the KNN scan and the page fetch, rows each touches."""
    statement, values = nearby_statement(
        LatLng(lat=centre.lat, lng=centre.lng), 20_000, EXPOSED_KINDS, limit=20
    )
    compiled = statement.params(values).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    connection = await asyncpg.connect(dsn)
    try:
        plan = await connection.fetch(f"EXPLAIN (ANALYZE, COSTS OFF) {compiled}")
    finally:
        await connection.close()
    print("plan of one 20 km query:")  # noqa: T201
    for row in plan:
        line = row[0] if len(row[0]) < 160 else row[0][:157] + "..."
        print("   ", line)  # noqa: T201


async def main_async(args: argparse.Namespace) -> None:
    admin = await asyncpg.connect(args.admin_dsn)
    name = f"g2a_bench_{secrets.token_hex(4)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    base = args.admin_dsn.rsplit("/", 1)[0]
    dsn = f"{base}/{name}"
    url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        await asyncio.to_thread(upgrade, "guru", url)
        started = time.perf_counter()
        await _fill(dsn, args.points)
        print(  # noqa: T201
            f"{args.points} points indexed in {time.perf_counter() - started:.1f} s; "
            f"{args.queries} queries per radius, first={args.first}; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        await _bench(url, dsn, args.queries, args.first)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.nearby", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--first", type=int, default=20)
    parser.add_argument("--admin-dsn", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
