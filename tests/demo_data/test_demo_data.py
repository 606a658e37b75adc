"""The curated demo data of atlas, media and rf: counts, ids, references, geography, text.

Every seed trusts these files, so the invariants a database would enforce (unique keys,
resolvable references) and the ones it cannot (a place really lies in its city, ids are the
deterministic ones) are checked here, once, against the loaders the seeds use.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter, ValidationError

from subgraphs.atlas import demo as atlas
from subgraphs.atlas.demo import build as atlas_build
from subgraphs.media import demo as media
from subgraphs.media.demo import build as media_build
from subgraphs.rf import demo as rf
from subgraphs.rf.demo import build as rf_build

MAX_KM_FROM_CITY_CENTRE = 60
MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_ADDRESS = 300
MAX_LEAD = 600
MAX_BODY = 20_000
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z]")
# A Cyrillic letter glued to a Latin one is a typo made while switching keyboard layouts.
MIXED_SCRIPT = re.compile(r"[\u0400-\u04ff][A-Za-z]|[A-Za-z][\u0400-\u04ff]")

COUNTRIES = atlas.load_countries()
CITIES = atlas.load_cities()
THEMES = atlas.load_themes()
PLACES = atlas.load_places()
GUIDES = atlas.load_guides()
RUBRICS = media.load_rubrics()
TAGS = media.load_tags()
ARTICLES = media.load_articles()
PARTNERS = rf.load_partners()
VOUCHERS = rf.load_vouchers()

COUNTRY = {country.code: country for country in COUNTRIES}
CITY = {city.slug: city for city in CITIES}
PLACE = {place.slug: place for place in PLACES}
PARTNER = {partner.slug: partner for partner in PARTNERS}
THEME_SLUGS = {theme.slug for theme in THEMES}


def km_between(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def duplicates(values: Iterable[object]) -> list[object]:
    return [value for value, count in Counter(values).items() if count > 1]


def assert_russian(text: str, what: str) -> None:
    assert CYRILLIC.search(text), f"{what}: no Russian text in {text!r}"
    assert not MIXED_SCRIPT.search(text), f"{what}: mixed Latin/Cyrillic word in {text!r}"


def assert_in_country_near_city(lat: float, lng: float, city_slug: str, what: str) -> None:
    city = CITY[city_slug]
    country = COUNTRY[city.country_code]
    assert country.south <= lat <= country.north, f"{what}: latitude outside {country.code}"
    assert country.west <= lng <= country.east, f"{what}: longitude outside {country.code}"
    distance = km_between(city.lat, city.lng, lat, lng)
    assert distance <= MAX_KM_FROM_CITY_CENTRE, f"{what}: {distance:.0f} km from {city_slug}"


# --- counts -----------------------------------------------------------------------------


def test_demo_data_has_the_promised_volume() -> None:
    assert len(COUNTRIES) >= 8
    assert len(CITIES) >= 30
    assert len(PLACES) >= 500
    assert len(THEMES) >= 10
    assert len(GUIDES) >= 20
    assert len(RUBRICS) >= 6
    assert len(ARTICLES) >= 40
    assert len(PARTNERS) >= 60
    assert len(VOUCHERS) >= 40


def test_every_city_has_places_and_every_country_has_cities() -> None:
    places_per_city = Counter(place.city_slug for place in PLACES)
    assert {city.slug for city in CITIES} <= set(places_per_city)
    assert min(places_per_city.values()) >= 5
    assert {city.country_code for city in CITIES} == set(COUNTRY)


def test_places_use_most_categories() -> None:
    used = Counter(place.category for place in PLACES)
    assert len(used) >= 12, used
    assert set(used) <= set(atlas.PLACE_CATEGORIES)


# --- keys and ids -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "slugs"),
    [
        ("country", [country.code for country in COUNTRIES]),
        ("city", [city.slug for city in CITIES]),
        ("theme", [theme.slug for theme in THEMES]),
        ("place", [place.slug for place in PLACES]),
        ("guide", [guide.slug for guide in GUIDES]),
        ("rubric", [rubric.slug for rubric in RUBRICS]),
        ("tag", [tag.slug for tag in TAGS]),
        ("article", [article.slug for article in ARTICLES]),
        ("partner", [partner.slug for partner in PARTNERS]),
        ("voucher", [voucher.slug for voucher in VOUCHERS]),
    ],
)
def test_natural_keys_are_unique_and_well_formed(kind: str, slugs: list[str]) -> None:
    assert not duplicates(slugs), kind
    if kind == "country":
        assert all(re.fullmatch(r"[A-Z]{2}", code) for code in slugs)
    else:
        assert [slug for slug in slugs if not SLUG.match(slug)] == []


def test_ids_are_the_deterministic_uuid5_of_each_slug() -> None:
    expected = [
        *((row.id, atlas.demo_id("city", row.slug)) for row in CITIES),
        *((row.id, atlas.demo_id("place", row.slug)) for row in PLACES),
        *((row.id, atlas.demo_id("guide", row.slug)) for row in GUIDES),
        *((row.id, media.demo_id("article", row.slug)) for row in ARTICLES),
        *((row.id, rf.demo_id("partner", row.slug)) for row in PARTNERS),
        *((row.id, rf.demo_id("voucher", row.slug)) for row in VOUCHERS),
        *(
            (service.id, rf.service_id(partner.slug, service.title_ru))
            for partner in PARTNERS
            for service in partner.services
        ),
    ]
    assert [pair for pair in expected if pair[0] != pair[1]] == []
    assert not duplicates(actual for actual, _ in expected)
    assert all(actual.version == 5 for actual, _ in expected)


@pytest.mark.parametrize("build", [atlas_build, media_build, rf_build])
def test_committed_files_are_canonical(build: ModuleType) -> None:
    assert build.main(["--check"]) == 0


def test_build_check_reports_a_stale_id_and_a_rewrite_fixes_it(tmp_path: Path) -> None:
    committed = Path(atlas.__file__).parent / "guides.json"
    guide = json.loads(committed.read_text("utf-8"))[0]
    stale = {**guide, "id": "00000000-0000-0000-0000-000000000000"}
    path = tmp_path / "guides.json"
    path.write_text(atlas_build.render([stale]), encoding="utf-8")
    fill = atlas_build.id_filler("guide")

    assert atlas_build.sync(path, atlas.GuideRow, fill=fill, check=True) is False
    assert json.loads(path.read_text("utf-8"))[0]["id"] == stale["id"]
    assert atlas_build.sync(path, atlas.GuideRow, fill=fill, check=False) is False
    assert json.loads(path.read_text("utf-8"))[0]["id"] == guide["id"]
    assert atlas_build.sync(path, atlas.GuideRow, fill=fill, check=True) is True


@pytest.mark.parametrize(
    "row",
    [
        {"slug": "beaches", "title_en": "Beaches"},
        {"slug": "beaches", "title_en": "Beaches", "title_ru": "Пляжи", "colour": "blue"},
    ],
    ids=["missing-key", "unknown-key"],
)
def test_build_refuses_rows_that_do_not_match_the_row_type(
    tmp_path: Path, row: dict[str, str]
) -> None:
    path = tmp_path / "themes.json"
    path.write_text(atlas_build.render([row]), encoding="utf-8")
    with pytest.raises(ValueError, match=r"themes\.json"):
        atlas_build.sync(path, atlas.ThemeRow, check=False)


def test_loaders_reject_unknown_keys_and_loose_types() -> None:
    adapter = TypeAdapter(tuple[atlas.ThemeRow, ...])
    with pytest.raises(ValidationError):
        adapter.validate_json('[{"slug":"x","title_en":"X","title_ru":"Икс","extra":1}]')
    with pytest.raises(ValidationError):
        TypeAdapter(tuple[rf.VoucherRow, ...]).validate_json(
            json.dumps([{**_voucher_json(), "stock": "10"}])
        )


def _voucher_json() -> dict[str, object]:
    voucher = VOUCHERS[0]
    return {
        "id": str(voucher.id),
        "slug": voucher.slug,
        "partner_slug": voucher.partner_slug,
        "partner_id": str(voucher.partner_id),
        "title_ru": voucher.title_ru,
        "description_ru": voucher.description_ru,
        "price_points": voucher.price_points,
        "stock": voucher.stock,
        "validity_days": voucher.validity_days,
    }


# --- atlas ------------------------------------------------------------------------------


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.code)
def test_country_is_complete(country: atlas.CountryRow) -> None:
    assert re.fullmatch(r"[A-Z]{3}", country.currency)
    assert ZoneInfo(country.timezone)
    assert country.south < country.north
    assert country.west < country.east
    assert LATIN.search(country.name_en)
    assert_russian(country.name_ru, country.code)


@pytest.mark.parametrize("city", CITIES, ids=lambda c: c.slug)
def test_city_lies_in_its_country(city: atlas.CityRow) -> None:
    assert city.country_code in COUNTRY
    assert ZoneInfo(city.timezone)
    assert_in_country_near_city(city.lat, city.lng, city.slug, city.slug)
    assert_russian(city.name_ru, city.slug)


def test_themes_have_both_titles() -> None:
    for theme in THEMES:
        assert LATIN.search(theme.title_en)
        assert_russian(theme.title_ru, theme.slug)


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.slug)
def test_place_is_near_its_city_with_bilingual_text(place: atlas.PlaceRow) -> None:
    assert place.city_slug in CITY
    assert_in_country_near_city(place.lat, place.lng, place.city_slug, place.slug)
    assert place.themes, place.slug
    assert set(place.themes) <= THEME_SLUGS
    assert not duplicates(place.themes)
    assert 0 < len(place.name_en) <= MAX_TITLE
    assert 0 < len(place.name_ru) <= MAX_TITLE
    assert 0 < len(place.address) <= MAX_ADDRESS
    assert 20 <= len(place.description_en) <= MAX_DESCRIPTION
    assert 20 <= len(place.description_ru) <= MAX_DESCRIPTION
    assert LATIN.search(place.description_en)
    assert not CYRILLIC.search(place.description_en + place.name_en + place.address)
    assert_russian(place.name_ru, place.slug)
    assert_russian(place.description_ru, place.slug)


def test_no_two_places_share_coordinates_or_a_name() -> None:
    assert duplicates((place.lat, place.lng) for place in PLACES) == []
    assert duplicates(place.name_en for place in PLACES) == []


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.slug)
def test_guide_walks_existing_places_of_its_city(guide: atlas.GuideRow) -> None:
    assert guide.city_slug in CITY
    assert len(guide.place_slugs) >= 3
    assert not duplicates(guide.place_slugs)
    assert [slug for slug in guide.place_slugs if slug not in PLACE] == []
    assert {PLACE[slug].city_slug for slug in guide.place_slugs} == {guide.city_slug}
    assert set(guide.themes) <= THEME_SLUGS
    assert len(guide.title_en) <= MAX_TITLE
    assert len(guide.title_ru) <= MAX_TITLE
    assert len(guide.description_ru) <= MAX_DESCRIPTION
    assert_russian(guide.title_ru, guide.slug)
    assert_russian(guide.description_ru, guide.slug)


# --- media ------------------------------------------------------------------------------


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.slug)
def test_article_references_resolve_to_atlas_ids(article: media.ArticleRow) -> None:
    assert article.rubric_slug in {rubric.slug for rubric in RUBRICS}
    assert set(article.tags) <= {tag.slug for tag in TAGS}
    assert set(article.themes) <= THEME_SLUGS
    assert article.city_id == CITY[article.city_slug].id
    assert article.place_slugs, article.slug
    assert list(article.place_ids) == [PLACE[slug].id for slug in article.place_slugs]
    assert {PLACE[slug].city_slug for slug in article.place_slugs} == {article.city_slug}


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.slug)
def test_article_is_russian_text_of_sane_length(article: media.ArticleRow) -> None:
    assert 10 <= len(article.title) <= MAX_TITLE
    assert 30 <= len(article.lead) <= MAX_LEAD
    assert len(article.body) <= MAX_BODY
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) >= 2
    assert all(paragraph.strip() == paragraph and paragraph for paragraph in paragraphs)
    for text in (article.title, article.lead, article.body):
        assert_russian(text, article.slug)


def test_drafts_are_unpublished_and_published_articles_are_dated() -> None:
    drafts = [article for article in ARTICLES if article.status == "DRAFT"]
    published = [article for article in ARTICLES if article.status == "PUBLISHED"]
    assert len(drafts) >= 3
    assert len(published) >= 30
    assert all(article.published_at is None for article in drafts)
    assert all(article.published_at is not None for article in published)
    assert all(
        article.published_at.utcoffset() is not None
        for article in published
        if article.published_at
    )


def test_every_rubric_is_used() -> None:
    assert {rubric.slug for rubric in RUBRICS} == {article.rubric_slug for article in ARTICLES}
    for rubric in RUBRICS:
        assert_russian(rubric.title_ru, rubric.slug)


# --- rf ---------------------------------------------------------------------------------


@pytest.mark.parametrize("partner", PARTNERS, ids=lambda p: p.slug)
def test_partner_sits_in_its_city(partner: rf.PartnerRow) -> None:
    assert partner.city_id == CITY[partner.city_slug].id
    assert_in_country_near_city(partner.lat, partner.lng, partner.city_slug, partner.slug)
    if partner.place_slug is None:
        assert partner.place_id is None
    else:
        place = PLACE[partner.place_slug]
        assert partner.place_id == place.id
        assert place.city_slug == partner.city_slug
        assert (partner.lat, partner.lng) == (place.lat, place.lng)
    assert 0 < len(partner.name) <= MAX_TITLE
    assert_russian(partner.name, partner.slug)
    assert_russian(partner.description_ru, partner.slug)
    assert len(partner.description_ru) <= MAX_DESCRIPTION


@pytest.mark.parametrize("partner", PARTNERS, ids=lambda p: p.slug)
def test_partner_services_are_priced_in_minor_units_of_a_local_currency(
    partner: rf.PartnerRow,
) -> None:
    local = COUNTRY[CITY[partner.city_slug].country_code].currency
    assert partner.services
    assert not duplicates(service.title_ru for service in partner.services)
    for service in partner.services:
        assert service.currency in {local, "USD"}
        assert service.currency in rf.MINOR_UNITS
        assert service.price_minor > 0
        # Demo prices are whole units of the currency.
        assert service.price_minor % 10 ** rf.MINOR_UNITS[service.currency] == 0
        assert_russian(service.title_ru, partner.slug)


def test_partner_statuses_are_mostly_verified_with_some_of_each() -> None:
    statuses = Counter(partner.status for partner in PARTNERS)
    assert statuses["VERIFIED"] > len(PARTNERS) * 0.75
    assert statuses["PENDING"] >= 2
    assert statuses["SUSPENDED"] >= 2
    sitting_at_places = sum(partner.place_slug is not None for partner in PARTNERS)
    assert 10 <= sitting_at_places < len(PARTNERS)
    assert sum(partner.russian_speaking_staff for partner in PARTNERS) > len(PARTNERS) / 2


@pytest.mark.parametrize("voucher", VOUCHERS, ids=lambda v: v.slug)
def test_voucher_belongs_to_a_verified_partner(voucher: rf.VoucherRow) -> None:
    partner = PARTNER[voucher.partner_slug]
    assert voucher.partner_id == partner.id
    assert partner.status == "VERIFIED"
    assert voucher.price_points > 0
    assert voucher.stock > 0
    assert 0 < voucher.validity_days <= 366
    assert len(voucher.title_ru) <= MAX_TITLE
    assert_russian(voucher.title_ru, voucher.slug)
