"""Federation 2 composition in Python: `supergraph.yaml` → supergraph SDL, with Apollo's rules.

Public surface: `compose`, `compose_from_config`, the source/result types and the errors.
"""

from router.composition.cli import compose_from_config
from router.composition.compose import compose
from router.composition.errors import CompositionError, CompositionFailed, ConfigError
from router.composition.sources import CompositionResult, SubgraphSource

__all__ = [
    "CompositionError",
    "CompositionFailed",
    "CompositionResult",
    "ConfigError",
    "SubgraphSource",
    "compose",
    "compose_from_config",
]
