"""Authorization directives (`@authenticated`, `@requiresScopes`, `@policy`) in the router.

requirements  what each field and type of a supergraph requires (computed once per load)
policies      the callables deciding `@policy` names (built-in `role:<ROLE>`, registered)
filter        the operation rewritten without what the caller may not see
restore       the removed fields back in the response as null + UNAUTHORIZED_FIELD_OR_TYPE

The pipeline stage that ties them together is `router.pipeline.authorization.Authorize`.
See docs/router-security.md.
"""

from router.authorization.filter import Filtered, filter_operation, requirements_of
from router.authorization.policies import (
    Policy,
    PolicyRegistry,
    PolicyRequest,
    register_policy,
)
from router.authorization.requirements import AuthorizationIndex, Requirement
from router.authorization.restore import UNAUTHORIZED_FIELD_OR_TYPE, restore

__all__ = [
    "UNAUTHORIZED_FIELD_OR_TYPE",
    "AuthorizationIndex",
    "Filtered",
    "Policy",
    "PolicyRegistry",
    "PolicyRequest",
    "Requirement",
    "filter_operation",
    "register_policy",
    "requirements_of",
    "restore",
]
