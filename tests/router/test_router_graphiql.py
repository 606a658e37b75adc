"""GraphiQL, served offline by the router, driven by headless Chromium.

The page loads only from the router (no network is reachable here anyway), runs a query
with a Bearer token typed into the headers editor, shows the result, the query plan of
that request, and the docs explorer built from the router's introspection.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from router_browser import chromium_path, headless_chromium
from router_fakes import make_token, serve_asgi
from router_harness import router_config

from router.app import RouterApp
from router.reload import FileSupergraphSource, StateHolder, build_state

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        chromium_path() is None and os.environ.get("CI") != "true",
        reason="chromium is not installed (apt-get install chromium); required in CI",
    ),
]


@pytest.fixture
async def router_url(tmp_path: Path, supergraph_sdl: str) -> AsyncIterator[str]:
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph_sdl, encoding="utf-8")
    config = router_config()
    source = FileSupergraphSource(path)
    app = RouterApp(config=config, holder=StateHolder(build_state(source, config)), watch=False)
    base, server, task = await serve_asgi(app)
    yield base
    server.should_exit = True
    await task
    await app.shutdown()


def _editor(selector: str) -> str:
    return f"document.querySelector({json.dumps(selector + ' .CodeMirror')}).CodeMirror"


QUERY_EDITOR = _editor(".graphiql-query-editor")
HEADERS_EDITOR = _editor(".graphiql-editor-tool .graphiql-editor:not(.hidden)")
RESULT = _editor(".result-window")


def _click(label: str) -> str:
    return (
        "Array.from(document.querySelectorAll('button'))"
        f".find(b => b.getAttribute('aria-label') === {json.dumps(label)}"
        f" || b.textContent === {json.dumps(label)}).click()"
    )


async def test_graphiql_runs_a_query_with_a_token_and_shows_result_plan_and_docs(
    router_url: str, tmp_path: Path
) -> None:
    token = make_token(sub="u-7", role="VIP")
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    async with headless_chromium(profile) as page:
        await page.send("Page.navigate", {"url": f"{router_url}/graphql"})
        await page.wait_for("!!document.querySelector('.graphiql-query-editor .CodeMirror')")

        # The untouched headers template ("Bearer ") goes out as a guest: the schema loads.
        await page.evaluate(_click("Show Documentation Explorer"))
        docs = await page.wait_for(
            "document.querySelector('.graphiql-doc-explorer')?.textContent ?? ''",
            accept=lambda text: "Mutation" in text,
        )
        assert "Query" in docs

        await page.evaluate(f"{QUERY_EDITOR}.setValue('query Me {{ me {{ id name }} }}')")
        await page.evaluate(_click("Headers"))
        await page.wait_for(f"!!document.querySelector({json.dumps('.graphiql-editor-tool')})")
        headers = json.dumps(json.dumps({"Authorization": f"Bearer {token}"}))
        await page.evaluate(f"{HEADERS_EDITOR}.setValue({headers})")
        await page.evaluate(_click("Execute query (Ctrl-Enter)"))

        result = await page.wait_for(f"{RESULT}.getValue()", accept=lambda v: "u-7" in v)
        await page.evaluate(_click("Show Query plan"))
        assert json.loads(result) == {"data": {"me": {"id": "u-7", "name": "VIP user"}}}

        plan = await page.wait_for(
            "document.getElementById('g2a-query-plan').textContent",
            accept=lambda text: "Fetch" in text,
        )
        assert 'Fetch(service: "accounts")' in plan
