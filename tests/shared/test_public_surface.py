"""The shared package's public surface: what other helpers and the router rely on."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from shared.settings import REPO_ROOT

MODULES = [
    "shared.app",
    "shared.context",
    "shared.db",
    "shared.error_mapping",
    "shared.errors",
    "shared.events",
    "shared.federation",
    "shared.identity",
    "shared.logging",
    "shared.migrations",
    "shared.pagination",
    "shared.request_id",
    "shared.seed",
    "shared.settings",
    "shared.tables",
    "shared.validation",
]


@pytest.mark.parametrize("name", MODULES)
def test_every_exported_name_exists(name: str) -> None:
    module = importlib.import_module(name)
    missing = [export for export in module.__all__ if not hasattr(module, export)]
    assert missing == []


def test_identity_api_the_router_uses_is_stable() -> None:
    identity = importlib.import_module("shared.identity")
    assert set(identity.__all__) >= {
        "GUEST",
        "IDENTITY_HEADER",
        "Identity",
        "Role",
        "require_authenticated",
        "require_role",
        "sign_identity",
        "verify_identity",
    }
    assert [role.value for role in identity.Role] == [
        "GUEST",
        "USER",
        "VIP",
        "PRO",
        "PARTNER",
        "ADMIN",
    ]


def test_identity_module_stays_dependency_light() -> None:
    heavy = ("sqlalchemy", "strawberry", "fastapi", "pydantic", "graphql", "httpx", "redis")
    probe = (
        "import sys, shared.identity; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "[]"


def test_one_federation_version_for_every_subgraph() -> None:
    from shared.federation import FEDERATION_VERSION

    pinned = [
        path.relative_to(REPO_ROOT)
        for path in (REPO_ROOT / "subgraphs").rglob("*.py")
        if "federation_version=" in path.read_text(encoding="utf-8")
    ]
    assert FEDERATION_VERSION == "2.11"
    assert pinned == []  # subgraphs get it from shared.app, never spell their own
