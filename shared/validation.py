"""Input cleaning shared by subgraphs: each `clean_*` returns the normalised value or raises
ValueError with a client-safe reason; `FieldCheck` collects them into one BadUserInput.

    check = FieldCheck()
    email = check("email", clean_email, data.email)
    name = check("displayName", clean_text(min_length=1, max_length=64), data.display_name)
    check.done()   # raises BadUserInput(fields={...}) naming every invalid field
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TypeVar, cast
from urllib.parse import urlsplit

from shared.errors import BadUserInput

__all__ = [
    "EMAIL_MAX_LENGTH",
    "PASSWORD_MAX_LENGTH",
    "PASSWORD_MIN_LENGTH",
    "FieldCheck",
    "clean_email",
    "clean_locale",
    "clean_password",
    "clean_text",
    "clean_url",
]

InT = TypeVar("InT")
OutT = TypeVar("OutT")

EMAIL_MAX_LENGTH = 254
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
URL_MAX_LENGTH = 2048

_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_DOMAIN_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


class FieldCheck:
    """Collects per-field failures so one error names every invalid field."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def __call__(self, field: str, clean: Callable[[InT], OutT], value: InT) -> OutT:
        try:
            return clean(value)
        except ValueError as error:
            self.errors[field] = str(error)
            # Never used: done() raises before the caller can read it.
            return cast("OutT", None)

    def require(self, **given: object) -> None:
        """Record "is required" for each named field whose value is None (creation inputs)."""
        for field, value in given.items():
            if value is None:
                self.errors[field] = "is required"

    def done(self) -> None:
        if self.errors:
            raise BadUserInput(self.errors)


def _has_control_characters(value: str) -> bool:
    return any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in value)


def clean_email(value: str) -> str:
    """Trimmed and lower-cased; at most 254 characters; a plausible address@domain.tld."""
    email = value.strip().lower()
    if not email:
        raise ValueError("is required")
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValueError(f"must be at most {EMAIL_MAX_LENGTH} characters")
    local, at, domain = email.rpartition("@")
    labels = domain.split(".")
    if (
        not at
        or not 1 <= len(local) <= 64
        or not _EMAIL_LOCAL.fullmatch(local)
        or len(labels) < 2
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError("is not a valid email address")
    return email


def clean_password(value: str) -> str:
    """8 to 128 characters, taken as typed (no trimming)."""
    if not PASSWORD_MIN_LENGTH <= len(value) <= PASSWORD_MAX_LENGTH:
        raise ValueError(
            f"must be between {PASSWORD_MIN_LENGTH} and {PASSWORD_MAX_LENGTH} characters"
        )
    return value


def clean_text(*, min_length: int, max_length: int) -> Callable[[str], str]:
    """A cleaner for one-line text: trimmed, no control characters, length in range."""

    def clean(value: str) -> str:
        text = unicodedata.normalize("NFC", value.strip())
        if _has_control_characters(text):
            raise ValueError("must not contain control characters")
        if not min_length <= len(text) <= max_length:
            raise ValueError(f"must be between {min_length} and {max_length} characters")
        return text

    return clean


def clean_url(value: str) -> str:
    """An absolute http(s) URL of at most 2048 characters."""
    url = value.strip()
    if len(url) > URL_MAX_LENGTH:
        raise ValueError(f"must be at most {URL_MAX_LENGTH} characters")
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise ValueError("is not a valid URL") from error
    if parts.scheme not in {"http", "https"} or not parts.hostname or _has_control_characters(url):
        raise ValueError("must be an absolute http(s) URL")
    if any(char.isspace() for char in url):
        raise ValueError("must be an absolute http(s) URL")
    return url


def clean_locale(value: str) -> str:
    """A language tag such as `ru` or `ru-RU`."""
    if not _LOCALE.fullmatch(value.strip()):
        raise ValueError("must be a language tag like 'ru' or 'en-US'")
    return value.strip()
