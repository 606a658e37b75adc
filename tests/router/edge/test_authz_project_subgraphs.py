"""The project's own subgraphs: their access-control directives reach the router's index."""

from __future__ import annotations

from router.authorization import AuthorizationIndex, Requirement
from router.composition.compose import compose
from router.composition.sources import SubgraphSource
from router.supergraph import Supergraph
from shared.app import build_schema
from shared.identity import Identity, Role
from subgraphs.rf import schema as rf
from subgraphs.users import schema as users
from subgraphs.users.tokens import ROLE_SCOPES

ADMIN_ONLY = Requirement(authenticated=True, scopes=((frozenset({"admin"}),),))
SIGNED_IN = Requirement(authenticated=True)


def _index() -> AuthorizationIndex:
    sources = [
        SubgraphSource(
            "users",
            "http://users.test/graphql",
            build_schema(query=users.Query, mutation=users.Mutation).as_str(),
        ),
        SubgraphSource(
            "rf",
            "http://rf.test/graphql",
            build_schema(query=rf.Query, mutation=rf.Mutation).as_str(),
        ),
    ]
    result = compose(sources)
    assert result.ok, result.errors
    assert result.supergraph_sdl is not None
    return AuthorizationIndex.from_supergraph(Supergraph.parse(result.supergraph_sdl))


def test_admin_entry_points_need_the_admin_scope_and_the_rest_a_sign_in() -> None:
    index = _index()
    assert index.field("Query", "users") == ADMIN_ONLY
    assert index.field("Mutation", "setUserRole") == ADMIN_ONLY
    assert index.field("Query", "me") == SIGNED_IN
    assert index.field("Mutation", "applyAsPartner") == SIGNED_IN
    assert index.field("Query", "user") is None  # public profile
    # The scopes the users subgraph puts in access tokens satisfy exactly the admins.
    admin = Identity("a-1", Role.ADMIN, ROLE_SCOPES[Role.ADMIN])
    pro = Identity("p-1", Role.PRO, ROLE_SCOPES[Role.PRO])
    assert ADMIN_ONLY.satisfied_by(admin, lambda _: False)
    assert not ADMIN_ONLY.satisfied_by(pro, lambda _: False)
