"""media and rf through the router: one query across four subgraphs, role rules, no N+1."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from e2e_stack import Stack
from sqlalchemy import func, select

from shared.identity import Role
from subgraphs.atlas.demo import load_cities, load_countries, load_places
from subgraphs.media.demo import load_articles
from subgraphs.media.models import Article
from subgraphs.rf.demo import load_partners, load_vouchers
from subgraphs.users.seed import demo_user_id

# Nimmanhaemin Road, Chiang Mai: a verified demo partner with vouchers, a published demo
# article and a demo draft, all by the demo editor.
PLACE_ID = "2cd91bf7-0970-500d-a600-3e314b24a395"
EDITOR_ID = str(demo_user_id("editor@go2asia.dev"))

PLACE = """
query Place($id: ID!) {
  place(id: $id) {
    name
    city { name country { name } }
    articles { totalCount edges { node { id title status author { displayName } } } }
    articleCount
    rfPartner { name vouchers { edges { node { title pricePoints } } } }
  }
}
"""
ARTICLE = "query Article($id: ID!) { article(id: $id) { id title } }"
APPLY = """
mutation Apply($input: ApplyAsPartnerInput!) {
  applyAsPartner(input: $input) { partner { id status } }
}
"""
VERIFY = """
mutation Verify($input: VerifyPartnerInput!) {
  verifyPartner(input: $input) { partner { id status } }
}
"""
CREATE_ARTICLE = """
mutation Create($input: CreateArticleInput!) { createArticle(input: $input) { article { id } } }
"""
FIFTY_PLACES = """
{
  places(first: 50) {
    edges { node {
      id name
      city { name }
      articleCount
      rfPartner { name vouchers(first: 3) { edges { node { pricePoints } } } }
    } }
  }
}
"""


def expected_place() -> dict[str, object]:
    place = next(row for row in load_places() if str(row.id) == PLACE_ID)
    city = next(row for row in load_cities() if row.slug == place.city_slug)
    country = next(row for row in load_countries() if row.code == city.country_code)
    partner = next(row for row in load_partners() if str(row.place_id) == PLACE_ID)
    vouchers = sorted(
        (row for row in load_vouchers() if row.partner_id == partner.id),
        key=lambda row: (row.price_points, str(row.id)),
    )
    articles = [
        row
        for row in load_articles()
        if uuid.UUID(PLACE_ID) in row.place_ids and row.status == "PUBLISHED"
    ]
    return {
        "name": place.name_ru,
        "city": {"name": city.name_ru, "country": {"name": country.name_ru}},
        "articles": {
            "totalCount": len(articles),
            "edges": [
                {
                    "node": {
                        "id": str(row.id),
                        "title": row.title,
                        "status": "PUBLISHED",
                        "author": {"displayName": "Ольга Редактор"},
                    }
                }
                for row in sorted(articles, key=lambda row: row.published_at or 0, reverse=True)
            ],
        },
        "articleCount": len(articles),
        "rfPartner": {
            "name": partner.name,
            "vouchers": {
                "edges": [
                    {"node": {"title": row.title_ru, "pricePoints": row.price_points}}
                    for row in vouchers
                ]
            },
        },
    }


async def test_one_place_query_gathers_atlas_media_rf_and_users(e2e: Stack) -> None:
    place = (await e2e.gql(PLACE, {"id": PLACE_ID})).ok()["place"]

    assert place == expected_place()
    assert place["articles"]["totalCount"] >= 1
    assert place["rfPartner"]["vouchers"]["edges"]


async def test_drafts_stay_private_through_the_router(e2e: Stack) -> None:
    draft = next(
        row
        for row in load_articles()
        if uuid.UUID(PLACE_ID) in row.place_ids and row.status == "DRAFT"
    )
    editor = e2e.token(Role.PRO, user_id=EDITOR_ID)
    other_pro = e2e.token(Role.PRO)

    as_guest = (await e2e.gql(PLACE, {"id": PLACE_ID})).ok()["place"]
    as_other = (await e2e.gql(PLACE, {"id": PLACE_ID}, token=other_pro)).ok()["place"]
    as_author = (await e2e.gql(PLACE, {"id": PLACE_ID}, token=editor)).ok()["place"]
    by_id_guest = (await e2e.gql(ARTICLE, {"id": str(draft.id)})).ok()["article"]
    by_id_admin = (await e2e.gql(ARTICLE, {"id": str(draft.id)}, token=e2e.token(Role.ADMIN))).ok()

    def ids(place: dict[str, object]) -> set[str]:
        connection = place["articles"]
        assert isinstance(connection, dict)
        return {edge["node"]["id"] for edge in connection["edges"]}

    assert str(draft.id) not in ids(as_guest) | ids(as_other)
    assert str(draft.id) in ids(as_author)
    assert as_author["articleCount"] == as_guest["articleCount"] + 1
    assert by_id_guest is None
    assert by_id_admin["article"] == {"id": str(draft.id), "title": draft.title}


async def test_guest_cannot_write_an_article_and_nothing_is_written(e2e: Stack) -> None:
    sessions = e2e.subgraphs["media"].app.state.subgraph.sessions
    count = select(func.count()).select_from(Article)
    async with sessions() as session:
        before = await session.scalar(count)
    variables = {"input": {"title": "Гость", "lead": "", "body": "Текст.", "rubricSlug": "cities"}}

    result = await e2e.gql(CREATE_ARTICLE, variables)

    async with sessions() as session:
        assert await session.scalar(count) == before
    assert result.data is None or result.data.get("createArticle") is None
    # The router refuses it (@authenticated) before media would (UNAUTHENTICATED).
    assert len(result.codes) == 1
    assert result.codes[0] in {"UNAUTHORIZED_FIELD_OR_TYPE", "UNAUTHENTICATED"}


async def test_a_user_applies_but_cannot_verify_and_an_admin_can(e2e: Stack) -> None:
    user = e2e.token(Role.USER)
    application = {
        "name": "Кофейня «Тест»",
        "category": "CAFE",
        "description": "Сквозной тест.",
        "location": {"lat": 18.79, "lng": 98.97},
        "russianSpeakingStaff": True,
    }
    applied = (await e2e.gql(APPLY, {"input": application}, token=user)).ok()
    partner_id = applied["applyAsPartner"]["partner"]["id"]

    by_user = await e2e.gql(VERIFY, {"input": {"id": partner_id}}, token=user)
    by_admin = await e2e.gql(VERIFY, {"input": {"id": partner_id}}, token=e2e.token(Role.ADMIN))

    assert applied["applyAsPartner"]["partner"]["status"] == "PENDING"
    assert by_user.codes == ["FORBIDDEN"]
    assert by_admin.ok()["verifyPartner"]["partner"] == {"id": partner_id, "status": "VERIFIED"}


async def test_fifty_places_with_cities_partners_and_article_counts_have_no_n_plus_one(
    e2e: Stack,
) -> None:
    logs = {name: e2e.statements(name) for name in ("atlas", "media", "rf")}
    with (
        logs["atlas"].capture() as atlas,
        logs["media"].capture() as media,
        logs["rf"].capture() as rf,
    ):
        data = (await e2e.gql(FIFTY_PLACES)).ok()

    nodes = [edge["node"] for edge in data["places"]["edges"]]
    assert len(nodes) == 50
    assert all(node["city"]["name"] for node in nodes)
    assert any(node["rfPartner"] for node in nodes)
    assert any(node["articleCount"] for node in nodes)
    assert len(media) == 1, media  # every place's articleCount
    assert len(rf) == 2, rf  # partners by place, then their vouchers
    assert len(atlas) <= 2, atlas  # at most: the page of places, their cities


NEARBY_PARTNERS = """
query Near($location: GeoPointInput!) {
  nearby(location: $location, radiusMeters: 50, kinds: [PARTNER], first: 10) {
    edges { node { item { ... on Partner { id name status } } } }
  }
}
"""


async def test_a_verified_partner_reaches_guru_through_its_event(
    e2e: Stack, eventually: Callable[..., Awaitable[list[dict[str, object]]]]
) -> None:
    # A spot far from every demo partner: only this application can be found there.
    location = {"lat": -8.6123, "lng": 115.0456}
    application = {
        "name": "Йога «Восход»",
        "category": "SERVICES",
        "description": "Утренняя йога.",
        "location": location,
        "russianSpeakingStaff": True,
    }
    applied = (await e2e.gql(APPLY, {"input": application}, token=e2e.token(Role.USER))).ok()
    partner_id = applied["applyAsPartner"]["partner"]["id"]
    before = (await e2e.gql(NEARBY_PARTNERS, {"location": location})).ok()

    await e2e.gql(VERIFY, {"input": {"id": partner_id}}, token=e2e.token(Role.ADMIN))

    async def indexed() -> list[dict[str, object]]:
        data = (await e2e.gql(NEARBY_PARTNERS, {"location": location})).ok()
        items = [edge["node"]["item"] for edge in data["nearby"]["edges"]]
        assert items, "not indexed yet"
        return items

    assert before["nearby"]["edges"] == []  # pending partners are not announced
    assert await eventually(indexed) == [
        {"id": partner_id, "name": "Йога «Восход»", "status": "VERIFIED"}
    ]


async def test_bad_input_through_the_router_is_named_and_writes_nothing(e2e: Stack) -> None:
    user = e2e.token(Role.USER)
    long_search = await e2e.gql(
        "query S($q: String!) { searchArticles(query: $q) { totalCount } }", {"q": "пляж " * 2500}
    )
    too_many = await e2e.gql(
        "query P($id: ID!) { place(id: $id) { articles(first: 1000) { totalCount } } }",
        {"id": PLACE_ID},
    )
    mine_before = (await e2e.gql("{ myPartners { id } }", token=user)).ok()["myPartners"]
    bad_location = await e2e.gql(
        APPLY,
        {
            "input": {
                "name": "x" * 500,
                "category": "CAFE",
                "description": "",
                "location": {"lat": 95.0, "lng": 181.0},
                "russianSpeakingStaff": False,
            }
        },
        token=user,
    )
    mine_after = (await e2e.gql("{ myPartners { id } }", token=user)).ok()["myPartners"]

    assert long_search.codes == ["BAD_USER_INPUT"]
    assert long_search.errors[0]["extensions"]["fields"] == {
        "query": "must be between 1 and 200 characters"
    }
    assert too_many.codes == ["BAD_USER_INPUT"]
    assert too_many.errors[0]["extensions"]["fields"] == {"first": "must be between 1 and 100"}
    assert bad_location.codes == ["BAD_USER_INPUT"]
    assert set(bad_location.errors[0]["extensions"]["fields"]) == {"name", "location"}
    assert mine_before == mine_after == []
