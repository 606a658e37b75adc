"""`python -m router compose`: output, --output, --check, and every error printed with its code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from composition_support import FIXTURES

from router.composition import CompositionFailed, compose_from_config
from router.composition.cli import main

REPO = Path(__file__).resolve().parents[2]


def config_for(tmp_path: Path, case: str) -> Path:
    lines = ["federation_version: =2.11.0", "subgraphs:"]
    for sdl in sorted((FIXTURES / case / "subgraphs").glob("*.graphql")):
        lines += [
            f"  {sdl.stem}:",
            f"    routing_url: http://{sdl.stem}.example/graphql",
            "    schema:",
            f"      file: {sdl}",
        ]
    path = tmp_path / "supergraph.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_compose_prints_the_supergraph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_for(tmp_path, "basic-entity"))]) == 0
    expected = (FIXTURES / "basic-entity" / "supergraph.graphql").read_text()
    assert capsys.readouterr().out == expected


def test_compose_writes_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "supergraph.graphql"
    assert (
        main(["--config", str(config_for(tmp_path, "fed1-extends")), "--output", str(output)]) == 0
    )
    assert output.read_text() == (FIXTURES / "fed1-extends" / "supergraph.graphql").read_text()
    assert capsys.readouterr().out == ""


def test_check_validates_without_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_for(tmp_path, "basic-entity")), "--check"]) == 0
    assert capsys.readouterr().out == ""


def test_failure_exits_1_printing_every_error_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config_for(tmp_path, "error-override-source-has-override"))]) == 1
    err = capsys.readouterr().err
    assert err.count("error[OVERRIDE_SOURCE_HAS_OVERRIDE]") == 2
    assert err.count("error[INVALID_FIELD_SHARING]") == 1
    assert "composition failed with 3 errors" in err


def test_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "supergraph.yaml"
    path.write_text("subgraphs: {a: {routing_url: u, schema: {file: missing.graphql}}}\n")
    assert main(["--config", str(path)]) == 2
    assert "cannot read schema file" in capsys.readouterr().err


def test_compose_from_config_raises_with_all_errors(tmp_path: Path) -> None:
    with pytest.raises(CompositionFailed) as failure:
        compose_from_config(config_for(tmp_path, "error-external-on-interface"))
    assert sorted(e.code for e in failure.value.errors) == [
        "EXTERNAL_ON_INTERFACE",
        "EXTERNAL_UNUSED",
    ]


def test_python_dash_m_router_compose_dispatches_here(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "router",
            "compose",
            "--config",
            str(config_for(tmp_path, "basic-entity")),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == (FIXTURES / "basic-entity" / "supergraph.graphql").read_text()
