"""Security edge benchmark: what authentication, authorization, limits and HTTP hygiene cost.

    python -m benchmarks.edge_security [--duration 20] [--warmup 5] [--connections 50]

Same setup as `python -m benchmarks edge` (the gateway workload, router alone on CPU 0,
subgraphs and wrk on CPU 1), three router configurations:

- off: CSRF, traceparent propagation, the authorization stage and the parser token
  limit all disabled (the pipeline as it was before these features);
- defaults: an empty router.yaml (CSRF check, traceparent, authorization stage with its
  no-directive fast path, parser token limit);
- on: every operation limit set (generous), CORS for an origin, header propagation rules,
  introspection off with an ADMIN exception, plus the defaults.

Prints RPS, latency percentiles and router CPU per request for each, and the CPU-bound
throughput cost of each row against "off".

    python -m benchmarks.edge_security --stages [--requests 3000]

In process, without HTTP or subgraphs: the router's stages up to planning, ending in a
terminal that answers the workload's expected data, timed in CPU time per request. Rows:
the three configurations above, then authentication (an HS256 token; an RS256 token from
a JWKS file) and authorization (the workload's supergraph with `Product.inStock`
`@authenticated`: a signed-in caller, then a guest whose operation is rewritten and whose
response gets the nulls back). On a shared machine CPU time is the stable figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import jwt
import orjson
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from benchmarks.edge import BASE, _cpu_ms, _parser, _run
from benchmarks.gateway.run import (
    ORIGINAL_SUBGRAPHS,
    Measurement,
    _free_port,
    _start,
    _stop,
    _table,
    _wait_healthy,
)

__all__ = ["main"]

OFF: dict[str, Any] = {
    **BASE,
    "csrf": {"unsafe_disabled": True},
    "headers": {"propagate_traceparent": False},
    "authorization": {"directives": {"enabled": False}},
    "limits": {"parser_max_tokens": None},
}
ON: dict[str, Any] = {
    **BASE,
    "limits": {"max_depth": 50, "max_height": 5000, "max_aliases": 500, "max_root_fields": 50},
    "cors": {"origins": ["https://go2asia.app"], "allow_credentials": True},
    "headers": {
        "all": {
            "request": [
                {"propagate": {"named": "accept-language"}},
                {"propagate": {"matching": "^x-g2a-client-.*"}},
                {"insert": {"name": "x-router", "value": "go2asia"}},
            ]
        }
    },
    "supergraph": {"introspection": False},
}


HS256_SECRET = "benchmark-secret-of-at-least-32-bytes!"  # noqa: S105 - benchmark key
ISSUER = "https://bench.test"


def _token(key: Any, algorithm: str, kid: str | None = None) -> str:
    now = int(time.time())
    claims = {"sub": "u-1", "role": "USER", "iss": ISSUER, "aud": "bench", "exp": now + 3600}
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid} if kid else None)


async def _stage_costs(workload: Path, requests: int) -> list[tuple[str, float]]:
    from router.app import build_pipeline
    from router.config import RouterConfig
    from router.executor.transport import SubgraphTransport
    from router.pipeline import GraphQLResponse, HttpRequest, Pipeline, RequestContext
    from router.pipeline.state import RouterState

    sdl = (workload / "benchmark-supergraph.graphql").read_text(encoding="utf-8")
    guarded = sdl.replace(
        "inStock: Boolean @join__field(graph: INVENTORY)",
        "inStock: Boolean @authenticated @join__field(graph: INVENTORY)",
    ).replace(
        "scalar join__FieldSet",
        "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM\n"
        "scalar join__FieldSet",
    )
    body = (workload / "query.json").read_bytes()
    expected = orjson.dumps(json.loads((workload / "expected.json").read_bytes())["data"])
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    scratch = Path(tempfile.mkdtemp(prefix="g2a-stage-bench-"))
    jwks = scratch / "jwks.json"
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True) | {"kid": "k1", "alg": "RS256"}
    jwks.write_text(json.dumps({"keys": [jwk]}), encoding="utf-8")
    jwt_config = {"hs256_secret": HS256_SECRET, "issuer": ISSUER, "audience": "bench"}
    jwt_config |= {"jwks": [{"file": str(jwks), "issuers": [ISSUER], "audiences": ["bench"]}]}
    auth = {"jwt": jwt_config}
    hs256 = {"authorization": f"Bearer {_token(HS256_SECRET, 'HS256')}"}
    rs256 = {"authorization": f"Bearer {_token(key, 'RS256', 'k1')}"}
    rows = [
        ("stages: security off", OFF, sdl, {}),
        ("stages: security defaults", BASE, sdl, {}),
        ("stages: security on", ON, sdl, {}),
        ("stages: defaults + HS256 token", {**BASE, "authentication": auth}, sdl, hs256),
        ("stages: defaults + RS256 token (JWKS)", {**BASE, "authentication": auth}, sdl, rs256),
        (
            "stages: @authenticated, signed-in caller",
            {**BASE, "authentication": auth},
            guarded,
            hs256,
        ),
        (
            "stages: @authenticated, guest (rewritten)",
            {**BASE, "authentication": auth},
            guarded,
            {},
        ),
    ]

    async def terminal(ctx: RequestContext) -> GraphQLResponse:
        return GraphQLResponse(data=orjson.loads(expected))

    results: list[tuple[str, float]] = []
    for name, config_data, supergraph, headers in rows:
        config = RouterConfig.model_validate(config_data)
        transport = SubgraphTransport(config.traffic_shaping, identity_header="x-g2a-identity")
        pipeline = Pipeline(build_pipeline(config, transport).stages, terminal=terminal)
        state = RouterState.from_sdl(supergraph, document_cache_size=64, plan_cache_size=64)
        http_headers = {"content-type": "application/json", **headers}
        http = HttpRequest(
            method="POST", path="/graphql", query_string=b"", headers=http_headers, body=body
        )

        async def one() -> GraphQLResponse:
            return await pipeline(RequestContext(http=http, state=state))  # noqa: B023

        for _ in range(200):
            await one()
        started = time.process_time()
        for _ in range(requests):
            response = await one()
        elapsed = time.process_time() - started
        assert response.data is not None, response.errors
        results.append((name, elapsed / requests * 1e6))
        await transport.aclose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    parser.add_argument("--stages", action="store_true", help="in-process stage costs only")
    parser.add_argument("--requests", type=int, default=3000)
    args: argparse.Namespace = parser.parse_args(argv)
    if args.stages:
        costs = asyncio.run(_stage_costs(args.workload, args.requests))
        for name, micros in costs:
            print(f"{name:<45} {micros:8.0f} us of CPU per request")  # noqa: T201
        return 0
    if shutil.which("wrk") is None:
        print("wrk is required: apt-get install -y wrk", file=sys.stderr)  # noqa: T201
        return 2
    rows: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="g2a-security-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        sub_port = _free_port()
        command = [sys.executable, "-m", "benchmarks.gateway.subgraphs"]
        command += ["--port", str(sub_port), "--workload", str(args.workload)]
        subgraphs = _start(command, cpu=1, log=scratch / "subgraphs.log")
        try:
            _wait_healthy(f"http://127.0.0.1:{sub_port}/health", subgraphs)
            sdl = (args.workload / "benchmark-supergraph.graphql").read_text(encoding="utf-8")
            supergraph = scratch / "supergraph.graphql"
            supergraph.write_text(
                sdl.replace(ORIGINAL_SUBGRAPHS, f"http://127.0.0.1:{sub_port}"), encoding="utf-8"
            )
            runs = [("security off", OFF), ("security defaults", BASE), ("security on", ON)]
            for target, config in runs:
                rows.append(_run(target, config, supergraph=supergraph, scratch=scratch, args=args))
        finally:
            _stop(subgraphs)
    print(_table(rows))  # noqa: T201
    base = rows[0]
    for row in rows:
        print(f"{row.target}: {_cpu_ms(row):.2f} ms of router CPU per request")  # noqa: T201
    for row in rows[1:]:
        cost = 1 - _cpu_ms(base) / _cpu_ms(row)
        print(  # noqa: T201
            f"{row.target}: {row.rps / base.rps:.3f}x the RPS;"
            f" CPU-bound throughput cost {cost:+.1%}"
        )
    return 0 if all(row.wrong == 0 and row.errors == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
