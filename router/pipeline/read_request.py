"""Stage: HTTP request → `GraphQLRequest` (GraphQL-over-HTTP: POST JSON, GET parameters)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import orjson

from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLRequest, GraphQLResponse, RequestContext
from router.pipeline.errors import BAD_REQUEST, METHOD_NOT_ALLOWED, RequestError

__all__ = ["ReadRequest", "decode_get", "decode_post"]


def _bad_request(message: str, status: int = 400) -> RequestError:
    return RequestError.single(message, code=BAD_REQUEST, status=status, http_level=True)


def _optional_str(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _bad_request(f"'{name}' must be a string")


def _optional_object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise _bad_request(f"'{name}' must be an object")


def _from_mapping(body: dict[str, Any]) -> GraphQLRequest:
    query = _optional_str(body.get("query"), "query")
    return GraphQLRequest(
        query=query,
        operation_name=_optional_str(body.get("operationName"), "operationName"),
        variables=_optional_object(body.get("variables"), "variables"),
        extensions=_optional_object(body.get("extensions"), "extensions"),
        document_id=_optional_str(body.get("documentId"), "documentId"),
    )


def decode_post(body: bytes, content_type: str) -> GraphQLRequest:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise _bad_request("POST requests must have Content-Type: application/json", status=415)
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _bad_request("the request body is not valid JSON") from None
    if isinstance(decoded, list):
        raise _bad_request("batched requests are not supported")
    if not isinstance(decoded, dict):
        raise _bad_request("the request body must be a JSON object")
    return _from_mapping(decoded)


def decode_get(query_string: bytes) -> GraphQLRequest:
    params = {
        key: values[-1]
        for key, values in parse_qs(query_string.decode("latin-1"), keep_blank_values=True).items()
    }
    decoded: dict[str, Any] = {"query": params.get("query"), "operationName": None}
    if params.get("operationName"):
        decoded["operationName"] = params["operationName"]
    if params.get("documentId"):
        decoded["documentId"] = params["documentId"]
    for name in ("variables", "extensions"):
        raw = params.get(name)
        if raw:
            try:
                decoded[name] = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise _bad_request(f"'{name}' is not valid JSON") from None
    return _from_mapping(decoded)


def _names_document(request: GraphQLRequest) -> bool:
    return request.document_id is not None or "persistedQuery" in request.extensions


class ReadRequest:
    """Decode the HTTP request; everything after this stage sees `ctx.request`.

    With `documents_by_reference` (persisted queries on), a request may name its document
    by id instead of sending `query`; `router.pipeline.persisted` resolves it.
    """

    def __init__(self, *, documents_by_reference: bool = False) -> None:
        self._by_reference = documents_by_reference

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        http = ctx.http
        if http.method == "POST":
            ctx.request = decode_post(http.body, http.headers.get("content-type", ""))
        elif http.method == "GET":
            ctx.request = decode_get(http.query_string)
        else:
            raise RequestError.single(
                f"method {http.method} is not allowed; use GET or POST",
                code=METHOD_NOT_ALLOWED,
                status=405,
                http_level=True,
                headers={"allow": "GET, POST"},
            )
        if not ctx.request.query and not (self._by_reference and _names_document(ctx.request)):
            raise _bad_request("the request has no 'query'")
        return await call_next(ctx)
