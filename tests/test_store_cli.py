"""The db/search/export commands, run through typer with real database files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import typer
from _store_data import STORIES, build_once
from typer.testing import CliRunner

from pipeline import store
from pipeline.cli.db import register


@pytest.fixture(scope="session")
def store_fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file filled through the write API with realistic Indonesian rows."""
    return build_once(tmp_path_factory)


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_db_migrate_creates_and_is_rerunnable(app: typer.Typer, tmp_path: Path) -> None:
    db = tmp_path / "sub" / "new.duckdb"
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(app, ["db", "migrate", "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert f"schema version {store.SCHEMA_VERSION}" in result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == (
            store.SCHEMA_VERSION
        )


def test_db_info(app: typer.Typer, store_fixture_db: Path) -> None:
    result = CliRunner().invoke(app, ["db", "info", "--db", str(store_fixture_db)])
    assert result.exit_code == 0, result.output
    assert "articles" in result.output and "54" in result.output
    assert "search index: built" in result.output


def test_search_command(
    app: typer.Typer, store_fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANTAU_DB", str(store_fixture_db))  # default path from the env
    result = CliRunner().invoke(app, ["search", "pungutan liar sekolah", "--limit", "3"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(" 1.") and STORIES[0][0] in first
    result = CliRunner().invoke(app, ["search", "zzzqqq"])
    assert result.exit_code == 0 and "No matching articles" in result.output


def test_export_command(app: typer.Typer, store_fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exp"
    result = CliRunner().invoke(
        app,
        [
            "export",
            "--format",
            "parquet",
            "--topic",
            "pungli",
            "--db",
            str(store_fixture_db),
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    n = int(result.output.split()[1])
    got = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{out.as_posix()}/**/*.parquet')"
    ).fetchone()
    assert got is not None and got[0] == n > 0


def test_missing_database_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["search", "x", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "pantau demo" in result.output
    assert not (tmp_path / "none.duckdb").exists()


def test_every_command_has_an_example(app: typer.Typer) -> None:
    for args in (["db", "migrate"], ["db", "info"], ["db", "index"], ["search"], ["export"]):
        result = CliRunner().invoke(app, [*args, "--help"])
        assert result.exit_code == 0 and "Example: pantau" in result.output, args
