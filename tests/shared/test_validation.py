"""Input cleaners: properties over generated input, plus the edges that matter."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import BadUserInput
from shared.validation import (
    EMAIL_MAX_LENGTH,
    FieldCheck,
    clean_email,
    clean_locale,
    clean_password,
    clean_text,
    clean_url,
)

display_name = clean_text(min_length=1, max_length=64)


@given(st.emails())
def test_generated_addresses_are_accepted_lower_cased_and_stable(email: str) -> None:
    if len(email) > EMAIL_MAX_LENGTH:
        with pytest.raises(ValueError, match="at most"):
            clean_email(email)
        return
    cleaned = clean_email(f"  {email} ")
    assert cleaned == email.lower()
    assert clean_email(cleaned) == cleaned


@given(st.text(max_size=300))
def test_email_cleaner_either_rejects_or_returns_a_bounded_address(value: str) -> None:
    try:
        cleaned = clean_email(value)
    except ValueError:
        return
    assert len(cleaned) <= EMAIL_MAX_LENGTH
    assert cleaned.count("@") == 1
    assert cleaned == cleaned.strip().lower()


@given(st.text(max_size=200))
def test_text_cleaner_output_is_trimmed_bounded_and_printable(value: str) -> None:
    try:
        cleaned = display_name(value)
    except ValueError:
        return
    assert cleaned == cleaned.strip()
    assert 1 <= len(cleaned) <= 64
    assert not any(unicodedata.category(char) in {"Cc", "Cf"} for char in cleaned)


@given(st.text(max_size=200))
def test_password_bounds_are_by_character_count(value: str) -> None:
    if 8 <= len(value) <= 128:
        assert clean_password(value) == value
    else:
        with pytest.raises(ValueError, match="between 8 and 128"):
            clean_password(value)


@pytest.mark.parametrize(
    "email",
    ["a@b.c0m", "first.last+tag@sub.example.co", "o'brien@example.ie", "x@example.xn--p1ai"],
)
def test_plausible_addresses_pass(email: str) -> None:
    assert clean_email(email) == email.lower()


@pytest.mark.parametrize(
    "email",
    [".a@example.com", "a..b@example.com", "a@-example.com", "a@example.123", "a@example"],
)
def test_implausible_addresses_fail(email: str) -> None:
    with pytest.raises(ValueError, match="valid email"):
        clean_email(email)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://cdn.example.com/a.png", True),
        ("http://localhost:8080/x", True),
        ("javascript:alert(1)", False),
        ("https:///nohost", False),
        ("https://exa mple.com", False),
        ("//example.com/a.png", False),
    ],
)
def test_url_cleaner(url: str, ok: bool) -> None:
    if ok:
        assert clean_url(url) == url
    else:
        with pytest.raises(ValueError, match="URL"):
            clean_url(url)


@pytest.mark.parametrize(("locale", "ok"), [("ru", True), ("en-US", True), ("EN", False)])
def test_locale_cleaner(locale: str, ok: bool) -> None:
    if ok:
        assert clean_locale(locale) == locale
    else:
        with pytest.raises(ValueError, match="language tag"):
            clean_locale(locale)


def test_field_check_reports_every_invalid_field_at_once() -> None:
    check = FieldCheck()
    check("email", clean_email, "nope")
    check("password", clean_password, "short")
    assert check("displayName", display_name, " ok ") == "ok"
    with pytest.raises(BadUserInput) as raised:
        check.done()
    assert sorted(raised.value.fields) == ["email", "password"]
    assert raised.value.extensions()["code"] == "BAD_USER_INPUT"
