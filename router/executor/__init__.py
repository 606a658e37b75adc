"""Plan execution: run fetches (parallel where the plan allows), merge, shape the response.

``execute`` walks the plan (``run``), gathers subgraph data into one tree (``merge``) and then
shapes it to the client's operation with null propagation (``shape``).
"""

from router.executor.errors import SubgraphFetcher, SubgraphFetchError
from router.executor.run import execute

__all__ = ["SubgraphFetchError", "SubgraphFetcher", "execute"]
