"""Access-token verification for the router: HS256 secrets and JWKS-published keys.

`TokenVerifier` (verifier.py) checks a bearer token and returns its claims; `JwksSource`
(jwks.py) keeps one JWK Set fresh. The pipeline's authentication stage
(`router.pipeline.auth`) turns the claims into the identity forwarded to subgraphs.
"""

from router.auth.jwks import JwksSource
from router.auth.verifier import ExpiredTokenError, InvalidTokenError, TokenVerifier

__all__ = ["ExpiredTokenError", "InvalidTokenError", "JwksSource", "TokenVerifier"]
