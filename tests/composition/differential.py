"""Differential run: random federated subgraph sets composed by us and by @apollo/composition.

    .venv/bin/python tests/composition/differential.py --cases 300 --seed 7 [--save] [--mutate]

Each case is 2-4 generated subgraphs (entities with simple or compound keys, shareable,
external/requires, provides, override, inaccessible and tag, value types, interfaces, unions,
enums used as input and/or output, input objects, federation 1 subgraphs now and then). Both
composers run; a case differs when one fails and the other does not, when the error codes
differ, or when the supergraphs differ after normalisation. `--save` writes each differing case
as a fixture folder `fixtures/diff-<seed>-<n>` (then run regenerate.mjs on it), so a shrunk
example becomes a parity fixture. `--mutate` instead breaks the fixtures themselves (a token or
two deleted or repeated) to compare how both composers reject broken SDL. Nothing here is
collected by pytest (test_against_apollo.py runs fixed seeds).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from composition_normalize import normalize_sdl
from composition_support import FIXTURES, REGENERATE

from router.composition import SubgraphSource, compose

SCALARS = ("Int", "String", "Boolean", "Float")
COLORS = ("RED", "GREEN", "BLUE")
SORTS = ("ASC", "DESC", "RANDOM")
IMPORTS = (
    '"@key", "@shareable", "@external", "@requires", "@provides", "@override", '
    '"@inaccessible", "@tag"'
)


class SupergraphGenerator:
    """One random supergraph: a catalog of entity fields, each owned one way across subgraphs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.entities = [f"E{i}" for i in range(rng.randint(1, 4))]
        self.compound = {e: rng.random() < 0.2 for e in self.entities}
        self.catalog = {
            e: {f"f{j}": self._type() for j in range(rng.randint(1, 5))} for e in self.entities
        }
        # How each entity field is owned: "shared" (@shareable wherever defined) or one owner.
        self.policy = {
            (e, f): rng.choice(("shared", "single", "single"))
            for e in self.entities
            for f in self.catalog[e]
        }
        self.value_fields = {f"v{j}": rng.choice(SCALARS) for j in range(rng.randint(1, 3))}
        self.version = rng.choice(("2.0", "2.3", "2.5", "2.7", "2.9"))
        self.chaos = rng.random() < 0.25  # break a rule now and then, to compare errors too
        self.media = self.version >= "2.3" and rng.random() < 0.3
        self.fed1: dict[str, bool] = {}
        self.owned: dict[str, list[str]] = {}
        self.owner: dict[tuple[str, str], str] = {}
        self.provided_queries: list[str] = []

    def _type(self) -> str:
        rng = self.rng
        base = rng.choice((*SCALARS, *SCALARS, "Color", "Value", *getattr(self, "entities", ())))
        if rng.random() < 0.2:
            base = f"[{base}]"
        return base + ("!" if rng.random() < 0.3 else "")

    def subgraphs(self) -> list[SubgraphSource]:
        names = [f"s{i}" for i in range(self.rng.randint(2, 4))]
        self.fed1 = {n: self.rng.random() < 0.15 for n in names}
        if self.media:
            self.fed1[names[0]] = self.fed1[names[1]] = False
        self.owned = {n: [e for e in self.entities if self.rng.random() < 0.7] for n in names}
        for (entity, field), policy in self.policy.items():
            holders = [n for n in names if entity in self.owned[n]]
            if policy == "single" and holders:
                self.owner[(entity, field)] = self.rng.choice(holders)
        return [
            SubgraphSource(name, f"http://{name}.example/graphql", self._subgraph(name, names))
            for name in names
        ]

    def _subgraph(self, name: str, names: list[str]) -> str:
        rng = self.rng
        fed1 = self.fed1[name]
        parts: list[str] = []
        if not fed1:
            parts.append(
                f'extend schema @link(url: "https://specs.apollo.dev/federation/v{self.version}",'
                f" import: [{IMPORTS}{self._more_imports()}])"
            )
        owned = self.owned[name]
        parts.extend(self._entity(entity, name, names, fed1=fed1) for entity in owned)
        mismatched_colors = self.chaos and rng.random() < 0.5
        colors = [c for c in COLORS if rng.random() < 0.8] if mismatched_colors else list(COLORS)
        if not fed1 and rng.random() < 0.2:
            colors = [f"{c} @inaccessible" if c == "BLUE" else c for c in colors]
        parts.append("enum Color { " + " ".join(colors or ["RED"]) + " }")
        sorts = ["ASC"] + [c for c in SORTS[1:] if rng.random() < 0.8]
        parts.append("enum Sort { " + " ".join(sorts) + " }")
        share = "" if fed1 or (self.chaos and rng.random() < 0.3) else " @shareable"
        keep = 0.85 if self.chaos else 1.0
        value_fields = [f"{f}: {t}" for f, t in self.value_fields.items() if rng.random() < keep]
        description = '"A value"\n' if rng.random() < 0.3 else ""
        parts.append(
            f"{description}type Value{share} {{ " + (" ".join(value_fields) or "v0: Int") + " }"
        )
        inputs = ["i0: Int"] + [f"i{j}: Int" for j in (1, 2) if rng.random() < 0.7]
        if rng.random() < 0.3:
            inputs.append('i3: String = "x"')
        parts.append("input Filter { " + " ".join(inputs) + " }")
        queries = [
            f"value{name}: Value",
            f"color{name}({self._argument_extras(fed1)}c: Color, f: Filter, s: Sort = ASC): Color",
        ]
        queries.extend(
            f"{entity.lower()}{name}(id: ID!): {entity}" for entity in owned if rng.random() < 0.6
        )
        if rng.random() < 0.4:
            nullable = "!" if rng.random() < 0.3 else ""
            queries.append(f"shared(limit: Int): Int{nullable}" + ("" if fed1 else " @shareable"))
        if len(owned) > 1 and rng.random() < 0.3:
            parts.append(f"union U{name} = " + " | ".join(owned))
            queries.append(f"search{name}: [U{name}]")
        if self.media and name in names[:2]:
            media, media_queries = self._media(first=name == names[0])
            parts.append(media)
            queries.extend(media_queries)
        if not fed1 and rng.random() < 0.4:
            parts.append(self._labeled(name))
            queries.append("labels: [Labeled] @shareable")
        self.provided_queries = []
        body = "\n".join(parts)
        stubs = [
            self._stub(entity, name, fed1=fed1)
            for entity in self.entities
            if entity not in owned and (f": {entity}" in body or f"[{entity}" in body)
        ]
        queries += self.provided_queries
        root = "extend type Query" if fed1 else "type Query"
        parts = [body, *stubs, root + " { " + " ".join(queries) + " }"]
        if not fed1 and owned and rng.random() < 0.3:
            entity = rng.choice(owned)
            parts.append(f"type Mutation {{ touch{entity}(id: ID!): {entity} @shareable }}")
        return "\n".join(parts)

    def _labeled(self, name: str) -> str:
        """A value interface whose implementations differ per subgraph."""
        rng = self.rng
        members = [t for t in ("Tag", "Badge") if rng.random() < 0.7] or ["Tag"]
        sdl = '"Something with a label"\ninterface Labeled { label: String }'
        for member in members:
            extra = f" {member.lower()}{name}: Int" if rng.random() < 0.3 else ""
            sdl += f"\ntype {member} implements Labeled @shareable {{ label: String{extra} }}"
        return sdl

    def _argument_extras(self, fed1: bool) -> str:
        """Now and then a described or tagged extra argument."""
        rng = self.rng
        if rng.random() < 0.2:
            return '"How many" limit: Int = 10, '
        if not fed1 and rng.random() < 0.15:
            return 'page: Int @tag(name: "paging"), '
        return ""

    def _more_imports(self) -> str:
        recent = self.version >= "2.3" or (self.chaos and self.rng.random() < 0.2)
        return ', "@interfaceObject"' if recent else ""

    def _media(self, *, first: bool) -> tuple[str, list[str]]:
        """An entity interface in one subgraph, an @interfaceObject for it in another."""
        if first:
            sdl = (
                'interface Media @key(fields: "id") { id: ID! title: String }\n'
                'type Book implements Media @key(fields: "id") '
                "{ id: ID! title: String pages: Int }\n"
                'type Film implements Media @key(fields: "id") { id: ID! title: String }'
            )
            return sdl, ["media: [Media]"]
        extra = " @shareable" if self.rng.random() < 0.5 else ""
        sdl = f'type Media @key(fields: "id") @interfaceObject {{ id: ID! rating: Int{extra} }}'
        return sdl, ["topMedia: Media"]

    def _key(self, entity: str) -> str:
        return "id sku" if self.compound[entity] else "id"

    def _stub(self, entity: str, name: str, *, fed1: bool) -> str:
        """A reference-only entity, now and then with an external field a root field provides."""
        sku = " sku: String!" if self.compound[entity] else ""
        provided = ""
        scalars = [f for f, t in self.catalog[entity].items() if t.strip("!") in SCALARS]
        if scalars and self.rng.random() < 0.3:
            field = scalars[0]
            provided = f" {field}: {self.catalog[entity][field]} @external"
            self.provided_queries.append(
                f'provided{entity}{name}: {entity} @provides(fields: "{field}")'
            )
        if fed1:
            external = " @external"
            return (
                f'extend type {entity} @key(fields: "{self._key(entity)}") '
                f"{{ id: ID!{external}{sku}{external if sku else ''}{provided} }}"
            )
        return (
            f'type {entity} @key(fields: "{self._key(entity)}", resolvable: false) '
            f"{{ id: ID!{sku}{provided} }}"
        )

    def _field_directives(self, entity: str, field: str, name: str, *, fed1: bool) -> str | None:
        rng = self.rng
        policy = self.policy[(entity, field)]
        owner = self.owner.get((entity, field))
        scalar = self.catalog[entity][field].strip("!") in SCALARS
        if policy == "shared":
            if rng.random() < 0.3:
                return None
            directives = "" if fed1 else " @shareable"
            if not fed1 and rng.random() < 0.15:
                directives += f' @tag(name: "t{rng.randint(0, 2)}")'
            if not fed1 and rng.random() < 0.1:
                directives += " @inaccessible"
            return directives
        if owner == name:
            return " @shareable" if self.chaos and not fed1 and rng.random() < 0.2 else ""
        if scalar and rng.random() < 0.3:
            return " @external"
        if not fed1 and owner is not None and not self.fed1[owner] and rng.random() < 0.15:
            label = ""
            if self.version >= "2.7" and rng.random() < 0.5:
                label = rng.choice((', label: "percent(25)"', ', label: "beta"'))
            return f' @override(from: "{owner}"{label})'
        if self.chaos and rng.random() < 0.1:
            return ""  # a second, non-shareable definition
        return None

    def _entity(self, entity: str, name: str, names: list[str], *, fed1: bool) -> str:
        rng = self.rng
        fields = ["id: ID!"] + (["sku: String!"] if self.compound[entity] else [])
        externals: list[str] = []
        for field, type_ref in self.catalog[entity].items():
            directives = self._field_directives(entity, field, name, fed1=fed1)
            if directives is None:
                continue
            if directives == " @external":
                externals.append(field)
            shown = type_ref
            if self.policy[(entity, field)] == "shared" and rng.random() < 0.2:
                shown = type_ref.rstrip("!") if type_ref.endswith("!") else type_ref + "!"
            if rng.random() < 0.1:
                directives = f' @deprecated(reason: "r{rng.randint(0, 1)}")' + directives
            description = f'"{field} of {entity}" ' if rng.random() < 0.1 else ""
            fields.append(f"{description}{field}: {shown}{directives}")
        if externals:
            fields.append(f'computed{name}: Int @requires(fields: "{" ".join(externals)}")')
        key = self._key(entity)
        if fed1:
            extend = rng.random() < 0.5
            if extend:
                fields[0] = "id: ID! @external"
            prefix = "extend type" if extend else "type"
            return f'{prefix} {entity} @key(fields: "{key}") {{ ' + " ".join(fields) + " }"
        resolvable = ", resolvable: false" if rng.random() < 0.05 else ""
        description = '"An entity"\n' if rng.random() < 0.3 else ""
        tag = f' @tag(name: "{entity.lower()}")' if rng.random() < 0.1 else ""
        return (
            f'{description}type {entity} @key(fields: "{key}"{resolvable}){tag} {{ '
            + " ".join(fields)
            + " }"
        )


def mutated_fixtures(rng: random.Random, count: int) -> list[list[SubgraphSource]]:
    """Fixture subgraph sets with a token or two deleted or repeated: mostly broken SDL, to
    compare how both composers reject it (stages, codes, counts)."""
    from composition_support import fixture_cases, fixture_sources

    base = [fixture_sources(case) for case in fixture_cases()]
    cases = []
    for _ in range(count):
        sources = []
        for source in rng.choice(base):
            tokens = source.sdl.split(" ")
            if rng.random() < 0.7 and len(tokens) > 3:
                for _ in range(rng.randint(1, 2)):
                    index = rng.randrange(len(tokens))
                    if rng.random() < 0.5:
                        del tokens[index]
                    else:
                        tokens.insert(index, rng.choice(tokens))
            sources.append(SubgraphSource(source.name, source.url, " ".join(tokens)))
        cases.append(sources)
    return cases


def apollo_batch(cases: list[list[SubgraphSource]]) -> list[dict[str, object]]:
    payload = json.dumps([[{"name": s.name, "url": s.url, "sdl": s.sdl} for s in c] for c in cases])
    node = shutil.which("node")
    assert node is not None, "node is required"
    completed = subprocess.run(
        [node, str(REGENERATE), "--batch"],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    results: list[dict[str, object]] = json.loads(completed.stdout)
    return results


def difference(case: list[SubgraphSource], apollo: dict[str, object]) -> str | None:
    ours = compose(case)
    if "errors" in apollo and any(e["code"] == "APOLLO_EXCEPTION" for e in apollo["errors"]):  # type: ignore[attr-defined]
        return None  # Apollo itself crashed on this input: nothing to compare with
    if "errors" in apollo:
        expected = Counter(str(e["code"]) for e in apollo["errors"])  # type: ignore[attr-defined]
        got = Counter(e.code for e in ours.errors)
        return None if expected == got else f"codes: apollo {dict(expected)} ours {dict(got)}"
    if ours.supergraph_sdl is None:
        return f"apollo composes, ours fails: {[str(e)[:200] for e in ours.errors]}"
    sdl = str(apollo["supergraph"])
    if normalize_sdl(sdl) != normalize_sdl(ours.supergraph_sdl):
        return "supergraphs differ"
    return None if sdl == ours.supergraph_sdl else "supergraphs differ only in ordering"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", action="store_true")
    parser.add_argument("--mutate", action="store_true", help="mutate fixtures instead")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.mutate:
        cases = mutated_fixtures(rng, args.cases)
    else:
        cases = [SupergraphGenerator(rng).subgraphs() for _ in range(args.cases)]
    results = apollo_batch(cases)
    differing = 0
    outcomes: Counter[str] = Counter()
    for number, (case, apollo) in enumerate(zip(cases, results, strict=True)):
        outcomes["apollo error" if "errors" in apollo else "apollo ok"] += 1
        problem = difference(case, apollo)
        if problem is None:
            continue
        differing += 1
        print(f"case {number}: {problem}")  # noqa: T201 - a tool's report
        if args.save:
            folder = FIXTURES / f"diff-{args.seed}-{number}" / "subgraphs"
            folder.mkdir(parents=True, exist_ok=True)
            for source in case:
                (folder / f"{source.name}.graphql").write_text(source.sdl + "\n")
    print(f"{args.cases} cases ({dict(outcomes)}), {differing} differ")  # noqa: T201
    return 1 if differing else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
