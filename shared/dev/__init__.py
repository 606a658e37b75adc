"""The local dev runner: `python -m shared.dev run` (what `make run` calls).

It brings the whole supergraph up on one machine, in this order:

    embedded PostgreSQL (only when DATABASE_URL is unset)   postgres.py
    → migrations and demo data (one-shot processes)         runner.py
    → one process per subgraph listed in supergraph.yaml    supergraph.py
    → the composed supergraph and the router (once it exists)
    → URLs printed; Ctrl-C / SIGTERM stops it all           supervisor.py

Every process runs in its own process group under one small asyncio supervisor, so a stop
reaches whole trees and nothing outlives the runner. See docs/dev-runner.md.
"""
