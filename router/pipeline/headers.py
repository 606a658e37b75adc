"""Stage: which client headers reach the subgraphs (`headers` in router.yaml, Apollo's rules).

Nothing is forwarded unless a rule says so. Rules run in order, `all` first, then the
subgraph's own (`headers.subgraphs.<name>`), each one of:

- `propagate`: `named` (optionally `rename`d, with a `default` when absent) or every
  header whose name `matching` a regex;
- `insert`: a fixed `name: value`;
- `remove`: `named` or `matching`, undoing an earlier rule.

Whatever the rules say, three kinds of header are never forwarded: hop-by-hop headers
(RFC 9110 §7.6.1) and those describing the client's own request (`host`,
`content-length`, ...), which the transport writes itself; and the router's signed
identity header, which only the authentication stage may set, so a client can never
forge one. W3C `traceparent` / `tracestate` are forwarded (`propagate_traceparent`).

Runs after authentication: the identity header the caller earned is already in
`ctx.subgraph_headers` and survives every rule. Per-subgraph header sets, when any
subgraph has rules of its own, go to `ctx.extras[SUBGRAPH_HEADERS]` for the fetcher.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from router.config import HeaderRule, HeadersConfig, SubgraphHeadersConfig
from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext

__all__ = ["NEVER_FORWARDED", "SUBGRAPH_HEADERS", "PropagateHeaders"]

SUBGRAPH_HEADERS = "headers.by_subgraph"

NEVER_FORWARDED = frozenset(
    {
        # hop-by-hop
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        # about the client's own request; the transport writes its own
        "host",
        "content-length",
        "content-type",
        "content-encoding",
        "accept",
        "accept-encoding",
        "expect",
    }
)

_TRACE_HEADERS = ("traceparent", "tracestate")


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str  # propagate | insert | remove
    name: str | None = None
    pattern: re.Pattern[str] | None = None
    rename: str | None = None
    value: str | None = None


def _compile(rule: HeaderRule) -> _Rule:
    if rule.propagate is not None:
        p = rule.propagate
        return _Rule(
            "propagate",
            name=p.named.lower() if p.named else None,
            pattern=re.compile(p.matching, re.IGNORECASE) if p.matching else None,
            rename=p.rename.lower() if p.rename else None,
            value=p.default,
        )
    if rule.insert is not None:
        return _Rule("insert", name=rule.insert.name.lower(), value=rule.insert.value)
    assert rule.remove is not None
    r = rule.remove
    return _Rule(
        "remove",
        name=r.named.lower() if r.named else None,
        pattern=re.compile(r.matching, re.IGNORECASE) if r.matching else None,
    )


class _RuleSet:
    def __init__(self, config: SubgraphHeadersConfig, protected: frozenset[str]) -> None:
        self.rules = tuple(_compile(rule) for rule in config.request)
        self.protected = protected

    def apply(self, inbound: Mapping[str, str], out: dict[str, str]) -> None:
        protected = self.protected
        nominated = inbound.get("connection")
        if nominated:  # headers the client's `Connection` names are hop-by-hop too
            protected = protected | {n.strip().lower() for n in nominated.split(",")}
        for rule in self.rules:
            if rule.kind == "propagate":
                if rule.pattern is not None:
                    pattern = rule.pattern
                    out.update(
                        (name, value)
                        for name, value in inbound.items()
                        if pattern.fullmatch(name) and name not in protected
                    )
                    continue
                assert rule.name is not None
                value = inbound.get(rule.name, rule.value)
                target = rule.rename or rule.name
                if value is not None and target not in protected:
                    out[target] = value
            elif rule.kind == "insert":
                assert rule.name is not None
                assert rule.value is not None
                if rule.name not in protected:
                    out[rule.name] = rule.value
            else:
                for name in [n for n in out if n not in protected]:
                    if name == rule.name or (rule.pattern and rule.pattern.fullmatch(name)):
                        del out[name]


class PropagateHeaders:
    def __init__(self, config: HeadersConfig, *, identity_header: str) -> None:
        protected = NEVER_FORWARDED | {identity_header.lower()}
        self._all = _RuleSet(config.all, protected)
        self._subgraphs = {
            name: _RuleSet(rules, protected) for name, rules in config.subgraphs.items()
        }
        self._trace = config.propagate_traceparent

    @staticmethod
    def configured(config: HeadersConfig) -> bool:
        return bool(config.all.request or config.subgraphs or config.propagate_traceparent)

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        inbound = ctx.http.headers
        out = ctx.subgraph_headers
        if self._trace:
            for name in _TRACE_HEADERS:
                value = inbound.get(name)
                if value is not None:
                    out[name] = value
        self._all.apply(inbound, out)
        if self._subgraphs:
            by_subgraph: dict[str, dict[str, str]] = {}
            for name, rules in self._subgraphs.items():
                own = dict(out)
                rules.apply(inbound, own)
                by_subgraph[name] = own
            ctx.extras[SUBGRAPH_HEADERS] = by_subgraph
        return await call_next(ctx)
