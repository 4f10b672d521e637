"""The real nightly path survives `kill -9`: `pantau crawl` into a real DuckDB file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from _cli import ROOT, pantau

from crawler.sources import load_sources
from pipeline.demo.server import serve_demo_sites, synthetic_articles

pytestmark = pytest.mark.slow

PATTERN = load_sources()["mmckalteng"].article_pattern


def _article_requests(log: list[str]) -> list[str]:
    import re

    return [p for p in log if re.match(PATTERN, p.split("?", 1)[0])]


def _stored(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT canonical_url FROM articles").fetchall()]


def test_sigkill_mid_crawl_then_rerun_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "pantau.duckdb"
    articles = synthetic_articles("mmckalteng", 80, start_id=2000)
    with serve_demo_sites(articles, families=["mmckalteng"]) as run:
        site = run.sites["mmckalteng"]
        site.latency = 0.05  # slow enough to kill mid-crawl, after some batches were written
        base = run.base_urls["mmckalteng"]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PANTAU_DB_WAIT": "30"}
        args = ["crawl", "--source", "mmckalteng", "--base-url", base, "--db", str(db)]
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while len(_article_requests(site.log)) < 55 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        stored_after_kill = set(_stored(db)) if db.exists() else set()
        assert 0 < len(stored_after_kill) < 80, len(stored_after_kill)  # really killed part-way

        site.latency = 0.0
        mark = len(site.log)
        again = pantau(*args, env={"PANTAU_DB_WAIT": "30"})
        assert again.returncode == 0, again.stdout + again.stderr
        refetched = _article_requests(site.log[mark:])
        # Nothing already stored is fetched again; everything missing is.
        assert len(refetched) == 80 - len(stored_after_kill)
        urls = _stored(db)
        assert len(urls) == len(set(urls)) == 80
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT max(version) FROM articles").fetchone()[0] == 1
            # The killed run left a 'running' record; the rerun completed and says so.
            statuses = con.execute(
                "SELECT status, complete FROM crawl_runs ORDER BY started_at"
            ).fetchall()
        assert statuses[0][0] == "running" and statuses[-1] == ("ok", True)

        mark = len(site.log)
        third = pantau(*args)
        assert third.returncode == 0, third.stdout + third.stderr
        assert _article_requests(site.log[mark:]) == []
