"""Command line: `python -m router serve|compose|config-schema`.

python -m router serve --supergraph supergraph.graphql [--config router.yaml]
                       [--host 127.0.0.1] [--port 4000]
python -m router serve --config-supergraph supergraph.yaml   # compose at load time
python -m router compose ...                                 # the composer's CLI
python -m router config-schema                               # JSON Schema of router.yaml
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

__all__ = ["main"]

logger = logging.getLogger("router")


def _serve_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser("serve", help="serve the supergraph over HTTP")
    source = serve.add_mutually_exclusive_group(required=True)
    source.add_argument("--supergraph", type=Path, help="supergraph SDL file (watched)")
    source.add_argument(
        "--config-supergraph",
        type=Path,
        help="supergraph.yaml to compose at load time (watched)",
    )
    serve.add_argument("--config", type=Path, default=None, help="router.yaml")
    serve.add_argument("--host", default=None, help="overrides supergraph.listen")
    serve.add_argument("--port", type=int, default=None, help="overrides supergraph.listen")
    serve.add_argument("--no-watch", action="store_true", help="do not hot-reload")
    serve.add_argument("--log-level", default="info")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from router.app import RouterApp
    from router.config import ConfigError, load_config
    from router.reload import (
        ComposedSupergraphSource,
        FileSupergraphSource,
        StateHolder,
        SupergraphSource,
        build_state,
    )

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"router: {error}", file=sys.stderr)  # noqa: T201 - CLI error output
        return 2
    source: SupergraphSource
    if args.supergraph is not None:
        source = FileSupergraphSource(args.supergraph)
    else:
        source = ComposedSupergraphSource(args.config_supergraph)
    try:
        state = build_state(source, config)
    except Exception as error:  # noqa: BLE001 - any failure to load is fatal at start
        message = f"router: {source.watched_path}: cannot load the supergraph: {error}"
        print(message, file=sys.stderr)  # noqa: T201 - CLI error output
        return 1
    app = RouterApp(
        config=config, holder=StateHolder(state), source=source, watch=not args.no_watch
    )
    host = args.host or config.supergraph.host
    port = args.port if args.port is not None else config.supergraph.port
    logger.info(
        "serving %s on http://%s:%d%s", source.watched_path, host, port, config.supergraph.path
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level=args.log_level.lower(),
        timeout_keep_alive=30,
    )
    return 0


def _compose(argv: list[str]) -> int:
    try:
        from router.composition.cli import main as compose_main
    except ImportError as error:
        print(f"router compose: the composer is not available ({error})", file=sys.stderr)  # noqa: T201
        return 2
    code: int = compose_main(argv)
    return code


def _config_schema() -> int:
    from router.config import RouterConfig

    print(json.dumps(RouterConfig.model_json_schema(), indent=2))  # noqa: T201 - CLI output
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments and arguments[0] == "compose":
        return _compose(arguments[1:])
    parser = argparse.ArgumentParser(prog="python -m router", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    _serve_parser(subparsers)
    subparsers.add_parser("compose", help="compose supergraph.yaml into a supergraph SDL")
    subparsers.add_parser("config-schema", help="print the JSON Schema of router.yaml")
    args = parser.parse_args(arguments)
    if args.command == "serve":
        return _serve(args)
    return _config_schema()


if __name__ == "__main__":
    sys.exit(main())
