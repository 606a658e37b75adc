"""`router.yaml`: the router's configuration model.

Sections are named as Apollo Router names them where the concept is the same
(`supergraph`, `traffic_shaping`, `authentication`, ...), so an operator who knows one
knows the other. Every section has defaults: an empty file (or none) is a valid
development configuration. Unknown keys are errors, so a typo never silently does
nothing. String values may reference the environment as `${env.NAME}` or
`${env.NAME:-default}`; this module is the only one in the router that reads
`os.environ`.

Edge features (issue 6) add their section here as one more field of `RouterConfig`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from router.cost.config import DemandControlConfig
from router.persisted.config import PersistedQueriesConfig
from router.ratelimit.config import RateLimitConfig
from router.telemetry.config import TelemetryConfig
from shared.settings import DEV_INTERNAL_IDENTITY_SECRET

__all__ = [
    "AuthenticationConfig",
    "ConfigError",
    "JwtConfig",
    "RouterConfig",
    "SubgraphShapingConfig",
    "SupergraphConfig",
    "TrafficShapingConfig",
    "expand_env",
    "load_config",
]


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid; the message names it."""


# The users subgraph's development default (subgraphs/users/settings.py): tokens it issues
# in development verify here without any setup. Production sets JWT_SECRET for both.
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-in-production"  # noqa: S105 - dev default


class RouterEnvironment(BaseSettings):
    """Environment variables the router shares with the subgraphs; defaults for router.yaml."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_issuer: str = "https://go2asia.local/users"
    jwt_audience: str = "go2asia"
    internal_identity_secret: SecretStr = SecretStr(DEV_INTERNAL_IDENTITY_SECRET)
    internal_identity_ttl_seconds: int = Field(default=60, ge=1)
    redis_url: str | None = None


def _environment() -> RouterEnvironment:
    return RouterEnvironment()


def _env_jwt_secret() -> str:
    return _environment().jwt_secret.get_secret_value()


def _env_jwt_issuer() -> str:
    return _environment().jwt_issuer


def _env_jwt_audience() -> str:
    return _environment().jwt_audience


def _env_identity_secret() -> str:
    return _environment().internal_identity_secret.get_secret_value()


def _env_identity_ttl() -> int:
    return _environment().internal_identity_ttl_seconds


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}


def _parse_duration(value: Any) -> Any:
    """Accept Apollo-style durations (`30s`, `500ms`, `1m`) or a number of seconds."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match is None:
            raise ValueError(f"invalid duration {value!r} (expected e.g. '500ms', '30s', '1m')")
        return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    return value


Seconds = Annotated[float, BeforeValidator(_parse_duration), Field(gt=0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IntrospectionExceptionsConfig(_Section):
    """Who may still introspect when `supergraph.introspection` is false."""

    roles: list[str] = Field(default_factory=lambda: ["ADMIN"])
    clients: list[str] = Field(
        default_factory=list, description="`apollographql-client-name` values"
    )


class SupergraphConfig(_Section):
    """Where the router listens and where GraphQL is served."""

    listen: str = Field(default="127.0.0.1:4000", description="host:port to bind")
    path: str = Field(default="/graphql", pattern=r"^/")
    introspection: bool = Field(
        default=True, description="answer __schema/__type queries from the API schema"
    )
    query_plan_cache_size: int = Field(default=512, ge=1)
    document_cache_size: int = Field(default=1024, ge=1)
    introspection_exceptions: IntrospectionExceptionsConfig = Field(
        default_factory=IntrospectionExceptionsConfig,
        description="roles and clients that may introspect when introspection is false",
    )

    @property
    def host(self) -> str:
        return self.listen.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.listen.rsplit(":", 1)[1])


class SubgraphShapingConfig(_Section):
    """Per-subgraph (or `all`) traffic rules; unset fields fall back to `all`."""

    deduplicate_query: bool | None = Field(
        default=None,
        description="share one in-flight request between identical subgraph requests "
        "(same subgraph, body and forwarded identity)",
    )
    timeout: Seconds | None = None


class RouterShapingConfig(_Section):
    """Rules for inbound client requests."""

    deduplicate_query: bool = Field(
        default=False,
        description="answer identical in-flight operations (same document, operation, "
        "variables and identity) with one execution",
    )


class TrafficShapingConfig(_Section):
    router: RouterShapingConfig = RouterShapingConfig()
    all: SubgraphShapingConfig = SubgraphShapingConfig(deduplicate_query=True, timeout=30.0)
    subgraphs: dict[str, SubgraphShapingConfig] = Field(default_factory=dict)
    max_connections_per_subgraph: int = Field(default=100, ge=1)

    def for_subgraph(self, name: str) -> tuple[bool, float]:
        """The effective (deduplicate_query, timeout seconds) of one subgraph."""
        own = self.subgraphs.get(name, SubgraphShapingConfig())
        dedup = own.deduplicate_query
        if dedup is None:
            dedup = self.all.deduplicate_query if self.all.deduplicate_query is not None else True
        timeout = own.timeout or self.all.timeout or 30.0
        return dedup, timeout


_ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


def _asymmetric_only(algorithms: list[str]) -> list[str]:
    unknown = [a for a in algorithms if a not in _ASYMMETRIC_ALGORITHMS]
    if unknown:
        raise ValueError(f"JWKS keys verify asymmetric algorithms only, not {unknown}")
    return algorithms


class JwksConfig(_Section):
    """One JWK Set (Apollo's `authentication.router.jwt.jwks[]`): from a URL or a file."""

    url: str | None = Field(
        default=None, pattern=r"^https?://", description="http(s) URL of the JWK Set"
    )
    file: Path | None = Field(default=None, description="a JWK Set on disk")
    issuers: list[str] = Field(
        default_factory=list, description="accepted `iss` values (empty: any issuer)"
    )
    audiences: list[str] = Field(
        default_factory=list,
        description="accepted `aud` values (empty: the token's audience "
        "is not checked for this source)",
    )
    algorithms: Annotated[list[str], AfterValidator(_asymmetric_only)] = Field(
        default_factory=lambda: ["RS256", "ES256"]
    )
    poll_interval: Seconds = Field(default=60.0, description="refresh period of the keys")

    @model_validator(mode="after")
    def _one_source(self) -> JwksConfig:
        if (self.url is None) == (self.file is None):
            raise ValueError("a jwks entry needs exactly one of 'url' or 'file'")
        return self


class JwtConfig(_Section):
    """Verification of the caller's access token: HS256 (shared secret) and/or JWKS keys."""

    header_name: str = "authorization"
    header_value_prefix: str = "Bearer"
    hs256_secret: str = Field(
        default_factory=_env_jwt_secret,
        description="shared secret of HS256 tokens (default: $JWT_SECRET)",
    )
    issuer: str | None = Field(default_factory=_env_jwt_issuer, description="default: $JWT_ISSUER")
    audience: str | None = Field(
        default_factory=_env_jwt_audience,
        description="default: $JWT_AUDIENCE",
    )
    leeway_seconds: float = Field(default=0.0, ge=0)
    jwks: list[JwksConfig] = Field(
        default_factory=list,
        description="asymmetric keys (RS256/ES256/...) from JWK Sets; each with its issuers",
    )
    unknown_kid_refresh_interval: Seconds = Field(
        default=10.0,
        description="at most one JWKS refresh per source in this interval when a token names "
        "an unknown kid (forged kids cannot hammer the JWKS endpoint)",
    )


class IdentityForwardingConfig(_Section):
    """The signed identity header the subgraphs verify (see shared/identity.py)."""

    header_name: str = "x-g2a-identity"
    secret: str = Field(
        default_factory=_env_identity_secret,
        description="HMAC secret (default: $INTERNAL_IDENTITY_SECRET)",
    )
    ttl_seconds: int = Field(
        default_factory=_env_identity_ttl,
        ge=1,
        description="default: $INTERNAL_IDENTITY_TTL_SECONDS",
    )


class AuthenticationConfig(_Section):
    jwt: JwtConfig = Field(default_factory=JwtConfig)
    identity: IdentityForwardingConfig = Field(default_factory=IdentityForwardingConfig)


class HealthCheckConfig(_Section):
    path: str = Field(default="/health", pattern=r"^/")
    readiness_path: str = Field(default="/ready", pattern=r"^/")


class HomepageConfig(_Section):
    """GraphiQL, served at the GraphQL path to browsers."""

    enabled: bool = True


class AuthorizationDirectivesConfig(_Section):
    """`@authenticated`, `@requiresScopes`, `@policy` read from the supergraph."""

    enabled: bool = True


class AuthorizationConfig(_Section):
    """Apollo's `authorization` section, plus our policy registry (see docs/router-security.md)."""

    require_authentication: bool = Field(
        default=False, description="refuse every request without a valid token (401)"
    )
    directives: AuthorizationDirectivesConfig = AuthorizationDirectivesConfig()
    policies: dict[str, Annotated[str, Field(pattern=r"^[\w.]+:\w+$")]] = Field(
        default_factory=dict,
        description="policy name -> 'module:callable' (a `Policy`); `role:<ROLE>` policies are "
        "built in; a policy the supergraph names but nobody registers always denies",
    )


class LimitsConfig(_Section):
    """Apollo's `limits`: operation shape, parser and HTTP body limits (null: unlimited)."""

    max_depth: int | None = Field(default=None, ge=1, description="deepest field nesting")
    max_height: int | None = Field(
        default=None, ge=1, description="distinct fields (response positions) in the operation"
    )
    max_aliases: int | None = Field(default=None, ge=0, description="aliased fields")
    max_root_fields: int | None = Field(default=None, ge=1, description="root fields")
    parser_max_tokens: int | None = Field(
        default=15_000, ge=1, description="lexical tokens in the document (graphql-core)"
    )
    http_max_request_bytes: int = Field(
        default=2_000_000, ge=1, description="request body size; larger bodies get 413"
    )


class CorsPolicyConfig(_Section):
    """Apollo's `cors`: which browser origins may call the router."""

    allow_any_origin: bool = False
    origins: list[str] = Field(
        default_factory=list, description="exact origins, e.g. https://go2asia.app"
    )
    match_origins: list[str] = Field(default_factory=list, description="origin regexes")
    allow_credentials: bool = False
    allow_headers: list[str] = Field(
        default_factory=list,
        description="headers a preflight may ask for (empty: mirror the requested ones)",
    )
    expose_headers: list[str] = Field(default_factory=list)
    methods: list[str] = Field(default_factory=lambda: ["GET", "POST", "OPTIONS"])
    max_age: Seconds | None = None

    @model_validator(mode="after")
    def _no_wildcard_with_credentials(self) -> CorsPolicyConfig:
        if self.allow_any_origin and self.allow_credentials:
            raise ValueError("allow_credentials cannot be combined with allow_any_origin")
        return self


class CsrfConfig(_Section):
    """Apollo's `csrf`: refuse requests a browser could send cross-site without a preflight."""

    unsafe_disabled: bool = False
    required_headers: list[str] = Field(
        default_factory=lambda: ["x-apollo-operation-name", "apollo-require-preflight"]
    )
    browser_requests_only: bool = Field(
        default=True,
        description="check only requests that can carry a browser's ambient authority "
        "(an Origin, Cookie or Sec-Fetch-* header); false checks every request",
    )


class PropagateRule(_Section):
    named: str | None = None
    matching: str | None = Field(default=None, description="regex on the header name")
    rename: str | None = None
    default: str | None = Field(default=None, description="value when the client sent none")

    @model_validator(mode="after")
    def _named_or_matching(self) -> PropagateRule:
        if (self.named is None) == (self.matching is None):
            raise ValueError("propagate needs exactly one of 'named' or 'matching'")
        if self.matching is not None and (self.rename or self.default):
            raise ValueError("'rename' and 'default' apply to 'named' headers only")
        return self


class InsertRule(_Section):
    name: str
    value: str


class RemoveRule(_Section):
    named: str | None = None
    matching: str | None = None

    @model_validator(mode="after")
    def _named_or_matching(self) -> RemoveRule:
        if (self.named is None) == (self.matching is None):
            raise ValueError("remove needs exactly one of 'named' or 'matching'")
        return self


class HeaderRule(_Section):
    """One rule, applied in order: `propagate`, `insert` or `remove` (exactly one)."""

    propagate: PropagateRule | None = None
    insert: InsertRule | None = None
    remove: RemoveRule | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> HeaderRule:
        if sum(rule is not None for rule in (self.propagate, self.insert, self.remove)) != 1:
            raise ValueError("a header rule is exactly one of propagate, insert or remove")
        return self


class SubgraphHeadersConfig(_Section):
    request: list[HeaderRule] = Field(default_factory=list)


class HeadersConfig(_Section):
    """Apollo's `headers`: what reaches subgraphs (nothing is forwarded unless a rule says so)."""

    all: SubgraphHeadersConfig = SubgraphHeadersConfig()
    subgraphs: dict[str, SubgraphHeadersConfig] = Field(default_factory=dict)
    propagate_traceparent: bool = Field(
        default=True, description="forward W3C `traceparent` / `tracestate` to subgraphs"
    )


def _env_redis_url() -> str | None:
    return _environment().redis_url


class RedisConfig(_Section):
    """Shared state of router instances (APQ, rate limits); in-process when `url` is unset."""

    url: str | None = Field(default_factory=_env_redis_url, description="default: $REDIS_URL")
    key_prefix: str = Field(default="g2a:router:", description="prefix of every key")


class RouterConfig(_Section):
    supergraph: SupergraphConfig = SupergraphConfig()
    traffic_shaping: TrafficShapingConfig = TrafficShapingConfig()
    authentication: AuthenticationConfig = Field(default_factory=AuthenticationConfig)
    health_check: HealthCheckConfig = HealthCheckConfig()
    sandbox: HomepageConfig = HomepageConfig()
    authorization: AuthorizationConfig = AuthorizationConfig()
    limits: LimitsConfig = LimitsConfig()
    cors: CorsPolicyConfig = CorsPolicyConfig()
    csrf: CsrfConfig = CsrfConfig()
    headers: HeadersConfig = HeadersConfig()
    redis: RedisConfig = Field(default_factory=RedisConfig)
    demand_control: DemandControlConfig = DemandControlConfig()
    persisted_queries: PersistedQueriesConfig = PersistedQueriesConfig()
    rate_limit: RateLimitConfig = RateLimitConfig()
    telemetry: TelemetryConfig = TelemetryConfig()


_ENV_REF = re.compile(r"\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(value: Any, *, environ: dict[str, str] | None = None, where: str = "") -> Any:
    """Replace `${env.NAME}` / `${env.NAME:-default}` in every string of a YAML tree."""
    env = dict(os.environ) if environ is None else environ
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in env:
                return env[name]
            if default is not None:
                return default
            raise ConfigError(f"{where or '<root>'}: environment variable {name} is not set")

        return _ENV_REF.sub(substitute, value)
    if isinstance(value, dict):
        return {
            key: expand_env(item, environ=env, where=f"{where}.{key}" if where else str(key))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            expand_env(item, environ=env, where=f"{where}[{index}]")
            for index, item in enumerate(value)
        ]
    return value


def load_config(path: Path | None, *, environ: dict[str, str] | None = None) -> RouterConfig:
    """Read and validate `router.yaml`; `None` gives the defaults.

    Raises `ConfigError` whose message starts with the file's path.
    """
    if path is None:
        return RouterConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping")
    try:
        return RouterConfig.model_validate(expand_env(raw, environ=environ))
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise ConfigError(f"{path}: invalid configuration: {details}") from exc
