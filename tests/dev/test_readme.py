"""The README stays true: every setting is in its configuration reference, and every file,
folder and doc it names exists."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from router.config import RouterEnvironment
from shared.dev.settings import DevSettings
from shared.dev.supergraph import load_subgraphs
from shared.settings import ServiceSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def _settings_classes() -> list[type[BaseSettings]]:
    classes: list[type[BaseSettings]] = [ServiceSettings, RouterEnvironment, DevSettings]
    for subgraph in load_subgraphs(REPO_ROOT / "supergraph.yaml", environ={}):
        module = importlib.import_module(f"subgraphs.{subgraph.name}.settings")
        classes += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, ServiceSettings)
            if value is not ServiceSettings
        ]
    return classes


@pytest.mark.parametrize("settings_class", _settings_classes(), ids=lambda cls: cls.__name__)
def test_every_setting_is_in_the_configuration_reference(
    settings_class: type[BaseSettings],
) -> None:
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", _section("Configuration")))

    missing = {name.upper() for name in settings_class.model_fields} - documented

    assert missing == set()


def test_every_path_in_the_map_of_the_code_exists() -> None:
    section = _section("Map of the code")
    # A paragraph **`pkg/`** names modules relative to pkg; subgraphs/<name>/ means users'.
    bases = {"shared/": "shared/", "subgraphs/<name>/": "subgraphs/users/", "router/": "router/"}
    named: list[Path] = []
    for paragraph in section.split("\n\n"):
        heading = re.match(r"\*\*`([^`]+)`\*\*", paragraph)
        base = bases.get(heading[1], "") if heading else ""
        for token in re.findall(r"`([\w./<>-]+)`", paragraph):
            if token.endswith((".py", "/")) and "<" not in token and token != base:
                full = token if "/" in token.rstrip("/") or not base else base + token
                named.append(REPO_ROOT / full)
    tree = section.split("```")[1]
    named += [REPO_ROOT / line.split()[0].rstrip(",") for line in tree.splitlines() if line]

    assert len(named) > 40
    assert [str(path.relative_to(REPO_ROOT)) for path in named if not path.exists()] == []


def test_every_linked_doc_exists() -> None:
    links = re.findall(r"\]\(((?:docs|\.ci)/[^)#]*)", README)

    assert links
    assert [link for link in links if not (REPO_ROOT / link).exists()] == []


def test_every_subgraph_in_supergraph_yaml_is_on_the_map_and_has_its_url() -> None:
    section = _section("Map of the code")
    subgraphs = load_subgraphs(REPO_ROOT / "supergraph.yaml", environ={})

    assert [sg.name for sg in subgraphs if f"`subgraphs/{sg.name}/`" not in section] == []
    assert [sg.name for sg in subgraphs if f":{sg.port}" not in _section("Two commands")] == []
