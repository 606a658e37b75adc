"""media and rf through the router: one query across four subgraphs, role rules, no N+1."""

from __future__ import annotations

import uuid

from e2e_stack import Stack

from shared.identity import Role
from subgraphs.atlas.demo import load_cities, load_countries, load_places
from subgraphs.media.demo import load_articles
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
    articles(first: 10) { totalCount edges { node { id title status author { displayName } } } }
    articleCount
    rfPartner { name vouchers(first: 10) { edges { node { title pricePoints } } } }
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


async def test_guest_cannot_write_an_article(e2e: Stack) -> None:
    variables = {"input": {"title": "Гость", "lead": "", "body": "Текст.", "rubricSlug": "cities"}}
    result = await e2e.gql(CREATE_ARTICLE, variables)

    assert result.codes == ["UNAUTHENTICATED"]


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
    assert len(atlas) == 2, atlas  # the page of places, then their cities
