"""`python -m router compose --config supergraph.yaml [--output FILE] [--check]`.

Exit 0 with the supergraph on stdout (or in --output); exit 1 printing every composition error
with its code; exit 2 when supergraph.yaml itself is unusable.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from router.composition.compose import compose
from router.composition.config import load_config
from router.composition.errors import CompositionFailed, ConfigError


def compose_from_config(path: Path | str) -> str:
    """The supergraph SDL for a supergraph.yaml; raises CompositionFailed with every error."""
    config = load_config(path, env=os.environ)
    result = compose(config.subgraphs)
    if result.supergraph_sdl is None:
        raise CompositionFailed(result.errors)
    return result.supergraph_sdl + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m router compose", description="Compose supergraph.yaml into a supergraph."
    )
    parser.add_argument("--config", type=Path, required=True, help="rover-style supergraph.yaml")
    parser.add_argument("--output", type=Path, default=None, help="write the supergraph here")
    parser.add_argument("--check", action="store_true", help="only validate, write nothing")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        sdl = compose_from_config(args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)  # noqa: T201 - CLI output
        return 2
    except CompositionFailed as failure:
        for problem in failure.errors:
            print(f"error[{problem.code}]: {problem.message}", file=sys.stderr)  # noqa: T201
        count = len(failure.errors)
        summary = f"composition failed with {count} error{'s' * (count != 1)}"
        print(summary, file=sys.stderr)  # noqa: T201
        return 1
    if args.check:
        print("composition succeeded", file=sys.stderr)  # noqa: T201
    elif args.output is not None:
        args.output.write_text(sdl, encoding="utf-8")
    else:
        sys.stdout.write(sdl)
    return 0
