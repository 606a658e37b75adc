"""The subgraph HTTP client against raw HTTP servers: keep-alive, stale connections,
chunked bodies, GraphQL error bodies on 4xx, and non-GraphQL failures."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import orjson
import pytest

from router.config import TrafficShapingConfig
from router.executor import SubgraphFetchError
from router.executor.transport import SubgraphTransport

Reply = Callable[[int], bytes]


@dataclass
class RawServer:
    """Answers each request with `reply(n)`; can close the connection after answering."""

    reply: Reply
    close_after_reply: bool = False
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    url: str = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                self.requests.append(head + await reader.readexactly(length))
                writer.write(self.reply(len(self.requests)))
                await writer.drain()
                if self.close_after_reply:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def _response(status: str, body: bytes, *, chunked: bool = False) -> bytes:
    if chunked:
        half = len(body) // 2
        chunks = b"".join(
            b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:half], body[half:])
        )
        return (
            (
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
            ).encode()
            + chunks
            + b"0\r\n\r\n"
        )
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


@contextlib.asynccontextmanager
async def serving(raw: RawServer) -> AsyncIterator[SubgraphTransport]:
    """Serve `raw` on an ephemeral port; yield a transport to talk to it."""
    server = await asyncio.start_server(raw.handle, "127.0.0.1", 0)
    raw.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    transport = SubgraphTransport(TrafficShapingConfig(), identity_header="x-g2a-identity")
    try:
        yield transport
    finally:
        await transport.aclose()
        server.close()
        await server.wait_closed()


async def _fetch(transport: SubgraphTransport, raw: RawServer, **headers: str) -> object:
    return await transport.fetch(
        "things",
        url=raw.url,
        request={"query": "{ things }"},
        headers=headers,
        identity_key="guest",
    )


OK = orjson.dumps({"data": {"things": [1, 2]}})


async def test_sequential_requests_reuse_one_keep_alive_connection() -> None:
    raw = RawServer(lambda n: _response("200 OK", OK))
    async with serving(raw) as transport:
        for _ in range(3):
            assert await _fetch(transport, raw, **{"x-trace": "abc"}) == {
                "data": {"things": [1, 2]}
            }
        assert raw.connections == 1
        first = raw.requests[0]
        assert first.startswith(b"POST /graphql HTTP/1.1\r\n")
        assert b"\r\nx-trace: abc\r\n" in first
        assert first.endswith(b'{"query":"{ things }"}')


async def test_connection_closed_by_the_server_between_requests_is_replaced() -> None:
    raw = RawServer(lambda n: _response("200 OK", OK))
    raw.close_after_reply = True
    async with serving(raw) as transport:
        for _ in range(3):
            assert await _fetch(transport, raw) == {"data": {"things": [1, 2]}}
        assert raw.connections == 3


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (_response("200 OK", OK, chunked=True), {"data": {"things": [1, 2]}}),
        (
            _response("400 Bad Request", b'{"errors":[{"message":"bad"}]}'),
            {"errors": [{"message": "bad"}]},
        ),
    ],
)
async def test_graphql_bodies_are_returned_whatever_the_framing_or_status(
    reply: bytes, expected: object
) -> None:
    raw = RawServer(lambda n: reply)
    async with serving(raw) as transport:
        assert await _fetch(transport, raw) == expected


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (_response("502 Bad Gateway", b"<html>oops</html>"), "answered HTTP 502"),
        (_response("200 OK", b"<html>oops</html>"), "invalid JSON"),
        (_response("200 OK", b'"just a string"'), "not an object"),
        (_response("200 OK", b'{"hello": "world"}'), "no GraphQL response"),
        (b"NOT HTTP AT ALL\r\n\r\n", "unreachable"),
    ],
)
async def test_non_graphql_answers_are_subgraph_fetch_errors(reply: bytes, message: str) -> None:
    raw = RawServer(lambda n: reply)
    async with serving(raw) as transport:
        with pytest.raises(SubgraphFetchError, match=message):
            await _fetch(transport, raw)


async def test_header_values_with_line_breaks_are_refused() -> None:
    raw = RawServer(lambda n: _response("200 OK", OK))
    async with serving(raw) as transport:
        with pytest.raises(SubgraphFetchError, match="line break"):
            await _fetch(transport, raw, **{"x-evil": "a\r\nx-admin: yes"})
        assert raw.requests == []
