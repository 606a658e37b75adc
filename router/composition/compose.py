"""The composition pipeline, top to bottom.

    sources → parse (syntax) → expand (@link, directive rules) → GraphQL validity
            → pre-merge checks (federation 2 subgraphs) → upgrade (federation 1 subgraphs)
            → pre-merge checks (upgraded subgraphs) → merge → post-merge checks
            → satisfiability → print

Each stage reports every error it finds; like Apollo, a stage with errors stops the pipeline, so
the errors returned are all those of the first failing stage.
"""

from __future__ import annotations

from graphql.language import DocumentNode

from router.composition.errors import CompositionError
from router.composition.graphql_rules import check_graphql_rules
from router.composition.merge import merge_subgraphs
from router.composition.metadata import compute_metadata
from router.composition.parse import build_subgraph, parse_document
from router.composition.postmerge import post_merge_checks
from router.composition.printer import print_supergraph
from router.composition.satisfiability import check_satisfiability
from router.composition.sources import CompositionResult, SubgraphSource
from router.composition.subgraph import Subgraph
from router.composition.upgrade import upgrade_subgraphs
from router.composition.validate import validate_subgraph


def compose(sources: list[SubgraphSource]) -> CompositionResult:
    """Compose subgraphs into a supergraph SDL, or return every error of the failing stage."""
    subgraphs, errors = _build_subgraphs(sources)
    if errors:
        return CompositionResult(errors=errors)
    upgraded = [s.name for s in subgraphs if not s.fed2]
    errors = upgrade_subgraphs(subgraphs)
    if errors:
        return CompositionResult(errors=errors)
    for subgraph in subgraphs:
        if subgraph.name in upgraded:
            errors += validate_subgraph(subgraph)
    if errors:
        return CompositionResult(errors=errors)
    metas = [compute_metadata(s) for s in subgraphs]
    outcome = merge_subgraphs(subgraphs, metas)
    if outcome.errors:
        return CompositionResult(errors=outcome.errors)
    errors = post_merge_checks(outcome.supergraph)
    if errors:
        return CompositionResult(errors=errors)
    errors = check_satisfiability(outcome.supergraph, subgraphs, metas)
    if errors:
        return CompositionResult(errors=errors)
    return CompositionResult(
        supergraph_sdl=print_supergraph(outcome.supergraph), hints=outcome.hints
    )


def _build_subgraphs(
    sources: list[SubgraphSource],
) -> tuple[list[Subgraph], list[CompositionError]]:
    """Expand each subgraph and check it on its own, as Apollo builds subgraphs: syntax errors
    (of any subgraph) first, then SDL errors, then GraphQL validity, then (federation 2
    subgraphs only) the federation rules; federation 1 subgraphs get those after their
    upgrade."""
    errors: list[CompositionError] = []
    documents: list[tuple[SubgraphSource, DocumentNode]] = []
    seen: set[str] = set()
    for source in sorted(sources, key=lambda s: s.name):
        if source.name in seen:
            errors.append(
                CompositionError(
                    "INVALID_SUBGRAPH_NAME",
                    f'A subgraph named "{source.name}" is listed twice',
                    subgraph=source.name,
                )
            )
            continue
        seen.add(source.name)
        document = parse_document(source)
        if isinstance(document, CompositionError):
            errors.append(document)
        else:
            documents.append((source, document))
    if errors:  # syntax errors stop everything, before any subgraph is built
        return [], errors
    subgraphs: list[Subgraph] = []
    for source, document in documents:
        parsed = build_subgraph(source, document)
        if isinstance(parsed, list):
            errors += parsed
            continue
        problems = check_graphql_rules(parsed)
        if not problems and parsed.fed2:
            problems = validate_subgraph(parsed)
        if not problems and source.name == "_":
            problems = [
                CompositionError(
                    "INVALID_SUBGRAPH_NAME",
                    "Invalid name _ for a subgraph: this name is reserved",
                    subgraph=source.name,
                )
            ]
        errors += problems
        subgraphs.append(parsed)
    return subgraphs, errors
