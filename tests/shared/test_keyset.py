"""shared.keyset: cursors round-trip, and anything else is BAD_USER_INPUT naming the field.

(Paging against Postgres — one statement per list or per set of groups, totals surviving
the cursor — is exercised through the media and rf subgraphs' tests.)"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import DateTime, Integer, Uuid
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.errors import BadUserInput
from shared.keyset import Keyset, Page, connection, parse_datetime, parse_int, parse_uuid
from shared.pagination import encode_cursor


class _Base(DeclarativeBase):
    pass


class Row(_Base):
    __tablename__ = "rows"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    points: Mapped[int] = mapped_column(Integer)


NEWEST = Keyset(columns=(Row.at, Row.id), parsers=(parse_datetime, parse_uuid), descending=True)
CHEAPEST = Keyset(columns=(Row.points, Row.id), parsers=(parse_int, parse_uuid))


def sql(keyset: Keyset, cursor: str | None) -> str:
    return str(
        keyset.after(cursor).compile(
            dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
        )
    )


def test_a_cursor_made_from_a_row_reads_back_as_its_position() -> None:
    row = SimpleNamespace(at=datetime(2026, 5, 1, 12, tzinfo=UTC), points=150, id=uuid.UUID(int=7))

    newest, cheapest = sql(NEWEST, NEWEST.cursor(row)), sql(CHEAPEST, CHEAPEST.cursor(row))

    assert newest.startswith("(rows.at, rows.id) < ('2026-05-01 12:00:00+00:00'")
    assert "00000000-0000-0000-0000-000000000007" in newest
    assert cheapest.startswith("(rows.points, rows.id) > (150, ")


def test_no_cursor_means_from_the_start() -> None:
    assert sql(NEWEST, None) == "true"


@pytest.mark.parametrize(
    ("keyset", "cursor"),
    [
        (NEWEST, "not base64 at all!"),
        (NEWEST, encode_cursor("2026-05-01T12:00:00+00:00")),  # one value, two columns
        (NEWEST, encode_cursor("2026-05-01T12:00:00", str(uuid.UUID(int=1)))),  # naive
        (NEWEST, encode_cursor("yesterday", str(uuid.UUID(int=1)))),
        (NEWEST, encode_cursor("2026-05-01T12:00:00+00:00", "not-a-uuid")),
        (CHEAPEST, encode_cursor("150", str(uuid.UUID(int=1)))),  # a string, not an int
    ],
)
def test_anything_but_a_cursor_of_this_keyset_is_bad_input(keyset: Keyset, cursor: str) -> None:
    with pytest.raises(BadUserInput) as raised:
        keyset.after(cursor, field="after")

    assert raised.value.fields == {"after": "not a valid cursor"}


def test_a_keyset_needs_one_parser_per_column() -> None:
    with pytest.raises(ValueError, match="one parser per column"):
        Keyset(columns=(Row.at, Row.id), parsers=(parse_datetime,))


def test_page_of_keeps_limit_rows_and_knows_there_is_more() -> None:
    rows = [SimpleNamespace(points=p, id=uuid.UUID(int=p)) for p in (1, 2, 3)]

    page = Page.of(rows, keyset=CHEAPEST, limit=2, total=9)
    result = connection(page, lambda row: row.points)

    assert [edge.node for edge in result.edges] == [1, 2]
    assert result.page_info.has_next_page is True
    assert result.page_info.end_cursor == CHEAPEST.cursor(rows[1])
    assert result.total_count == 9
