"""GraphiQL, served offline by the router.

`static/` holds the bundle built from npm packages by `build.sh` (sources in `src/`);
it is committed so that running the router needs no Node. The page is served at the
GraphQL path to browsers (`Accept: text/html`); assets under `ASSET_PREFIX`.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

__all__ = ["ASSET_PREFIX", "asset", "page"]

ASSET_PREFIX = "/__graphiql/"
_STATIC = Path(__file__).resolve().parent / "static"
_CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Go2Asia GraphiQL</title>
<link rel="stylesheet" href="{prefix}graphiql.css">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql" data-endpoint="{endpoint}">Loading GraphiQL…</div>
<script src="{prefix}graphiql.js"></script>
</body>
</html>
"""


def page(endpoint: str) -> bytes:
    """The HTML page; the bundle reads the GraphQL endpoint from `data-endpoint`."""
    return _PAGE.format(prefix=ASSET_PREFIX, endpoint=html.escape(endpoint, quote=True)).encode()


@lru_cache(maxsize=8)
def asset(name: str) -> tuple[bytes, str] | None:
    """(content, content type) of a built asset, or None if there is no such file."""
    path = _STATIC / name
    content_type = _CONTENT_TYPES.get(path.suffix)
    if content_type is None or path.parent != _STATIC or not path.is_file():
        return None
    return path.read_bytes(), content_type
