"""Shared fixtures: the demo database built once per session by the real `pantau demo`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from _cli import SHARED, pantau


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the project, or skip."""
    if not SHARED.is_dir():
        pytest.skip(f"shared material not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """One real `pantau demo` run into a fresh database; returns (db path, process)."""
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    proc = pantau("demo", "--db", str(db))
    assert proc.returncode == 0, f"demo failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return db, proc


@pytest.fixture(scope="session")
def demo_db(demo_run: tuple[Path, subprocess.CompletedProcess]) -> Path:
    """Path of a DuckDB file produced by `pantau demo`."""
    return demo_run[0]
