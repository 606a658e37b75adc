"""The local dev runner: `python -m shared.dev run` (what `make run` calls).

It brings the whole supergraph up on one machine, in this order:

    what a killed earlier run left running is stopped        leftovers.py
    → embedded PostgreSQL (only when DATABASE_URL is unset)   postgres.py
    → migrations and demo data (one-shot processes)
    → one process per subgraph listed in supergraph.yaml     supergraph.py, health.py
    → the composed supergraph and the router (once it exists)
    → URLs printed; Ctrl-C / SIGTERM stops it all             runner.py

Every process runs in its own process group under one small asyncio supervisor
(supervisor.py), so a stop reaches whole trees and nothing outlives the runner.
See docs/dev-runner.md.
"""
