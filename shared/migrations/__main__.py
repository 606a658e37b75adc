"""`python -m shared.migrations <service> [<service> ...]`: upgrade each to head."""

from __future__ import annotations

import argparse
import logging

from shared.logging import configure_logging
from shared.migrations import upgrade
from shared.settings import DatabaseSettings

logger = logging.getLogger("shared.migrations")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.migrations")
    parser.add_argument("services", nargs="+", help="subgraph names, e.g. users")
    args = parser.parse_args(argv)
    configure_logging(level="INFO", service="migrations")
    database_url = DatabaseSettings().database_url
    for service in args.services:
        if upgrade(service, database_url):
            logger.info("migrations applied", extra={"subgraph": service})
        else:
            logger.info("no migrations (stateless subgraph)", extra={"subgraph": service})


if __name__ == "__main__":
    main()
