"""A database held by another process: the nightly job waits, then says so with exit code 3."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from _cli import pantau

from pipeline.demo.server import serve_demo_sites, synthetic_articles

pytestmark = pytest.mark.slow

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
con.execute("SELECT count(*) FROM articles").fetchall()
print("holding", flush=True)
time.sleep(float(sys.argv[3]))
"""


def _hold(db: Path, mode: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), mode, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def _crawl_args(base_url: str, db: Path) -> list[str]:
    return ["crawl", "-s", "mmckalteng", "--base-url", base_url, "--db", str(db)]


def _count(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_writer_waits_for_a_reader_then_stores_everything(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    with serve_demo_sites(synthetic_articles("mmckalteng", 30), families=["mmckalteng"]) as run:
        args = _crawl_args(run.base_urls["mmckalteng"], db)
        first = pantau(*args)
        assert first.returncode == 0, first.stderr
        assert _count(db) == 30
        run.sites["mmckalteng"].articles[:0] = synthetic_articles(
            "mmckalteng", 5, start_id=9000, newest="2026-11-21"
        )
        run.sites["mmckalteng"].by_id.update({a.id: a for a in run.sites["mmckalteng"].articles})
        holder = _hold(db, "ro", 4)  # a researcher's notebook, open for 4 s
        started = time.monotonic()
        second = pantau(*args, "--wait", "60")
        holder.wait()
        assert second.returncode == 0, second.stdout + second.stderr
        assert time.monotonic() - started >= 2  # it really waited
        assert _count(db) == 35  # and lost nothing


def test_writer_gives_up_with_exit_code_3_and_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    with serve_demo_sites(synthetic_articles("mmckalteng", 5), families=["mmckalteng"]) as run:
        args = _crawl_args(run.base_urls["mmckalteng"], db)
        assert pantau(*args).returncode == 0
        holder = _hold(db, "rw", 30)  # someone left a read-write session open
        try:
            proc = pantau(*args, "--wait", "2")
        finally:
            holder.kill()
            holder.wait()
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "locked" in proc.stderr.lower()
    assert "PID" in proc.stderr or "pid" in proc.stderr
