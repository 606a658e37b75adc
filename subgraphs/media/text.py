"""Article text rules: maximum lengths, slugs (with Russian transliteration)."""

from __future__ import annotations

import re
import unicodedata

from shared.validation import clean_text

__all__ = [
    "BODY_MAX_LENGTH",
    "LEAD_MAX_LENGTH",
    "MAX_PLACES",
    "MAX_TAGS",
    "MAX_THEMES",
    "SEARCH_MAX_LENGTH",
    "SLUG_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "clean_body",
    "clean_lead",
    "clean_search",
    "clean_slug",
    "clean_title",
    "slugify",
]

TITLE_MAX_LENGTH = 200
LEAD_MAX_LENGTH = 500
BODY_MAX_LENGTH = 50_000
SLUG_MAX_LENGTH = 120
SEARCH_MAX_LENGTH = 200
MAX_TAGS = 10
MAX_THEMES = 10
MAX_PLACES = 20

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_PARAGRAPH_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# GOST 7.79-2000 system B, simplified to ASCII letters.
# ("_" marks the hard and soft signs, which are dropped.)
_CYRILLIC = {
    cyrillic: latin.strip("_")
    for cyrillic, latin in zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        (
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "yo",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ),
        strict=True,
    )
}

clean_title = clean_text(min_length=1, max_length=TITLE_MAX_LENGTH)
clean_lead = clean_text(min_length=0, max_length=LEAD_MAX_LENGTH)
clean_search = clean_text(min_length=1, max_length=SEARCH_MAX_LENGTH)


def clean_body(value: str) -> str:
    """Plain text, paragraphs separated by blank lines; 1 to BODY_MAX_LENGTH characters."""
    body = unicodedata.normalize("NFC", value.replace("\r\n", "\n").strip())
    if _PARAGRAPH_CONTROL.search(body):
        raise ValueError("must not contain control characters other than newlines and tabs")
    if not 1 <= len(body) <= BODY_MAX_LENGTH:
        raise ValueError(f"must be between 1 and {BODY_MAX_LENGTH} characters")
    return body


def clean_slug(value: str) -> str:
    slug = value.strip()
    if len(slug) > SLUG_MAX_LENGTH or not _SLUG.fullmatch(slug):
        raise ValueError(
            f"must be at most {SLUG_MAX_LENGTH} lower-case latin letters, digits and single dashes"
        )
    return slug


def slugify(title: str) -> str:
    """A URL slug for `title`: Cyrillic transliterated, everything else reduced to a-z0-9-."""
    letters = "".join(_CYRILLIC.get(char, char) for char in title.lower())
    ascii_only = unicodedata.normalize("NFKD", letters).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_only).strip("-")[:SLUG_MAX_LENGTH].rstrip("-")
    return slug or "article"
