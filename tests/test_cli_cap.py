"""A first run against a big site back-fills over several runs, capped per run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _cli import pantau

from crawler.sources import load_sources
from pipeline.demo.server import serve_demo_sites, synthetic_articles

pytestmark = pytest.mark.slow

REGISTRY = """
[[source]]
id = "mmckalteng"
name = "MMCKalteng"
base_url = "https://mmc.kalteng.go.id"
province = "Kalimantan Tengah"
article_pattern = '^/berita/read/\\d+/[^/]+/?$'
listing_pattern = '^/berita/\\d+/?$'
discovery = [{ kind = "listing", path = "/berita/1" }]
max_articles_per_run = 10
"""


def test_article_cap_spreads_a_backfill_over_runs(tmp_path: Path) -> None:
    registry = tmp_path / "sources.toml"
    registry.write_text(REGISTRY, encoding="utf-8")
    assert load_sources(registry)["mmckalteng"].max_articles_per_run == 10
    env = {"PANTAU_SOURCES": str(registry)}
    db = tmp_path / "p.duckdb"
    with serve_demo_sites(synthetic_articles("mmckalteng", 25), families=["mmckalteng"]) as run:
        site = run.sites["mmckalteng"]
        args = [
            "crawl",
            "-s",
            "mmckalteng",
            "--base-url",
            run.base_urls["mmckalteng"],
            "--db",
            str(db),
        ]
        new, outputs = [], []
        for _ in range(4):
            mark = len(site.log)
            proc = pantau(*args, env=env)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            new.append(int(re.search(r"new=(\d+)", proc.stdout).group(1)))
            outputs.append(proc.stdout)
            requested = [p for p in site.log[mark:] if p.startswith("/berita/read/")]
            assert len(requested) == new[-1]  # never more than the cap, never a known one
        assert new == [10, 10, 5, 0]
        assert "max_articles_per_run (10) reached" in outputs[0]
        assert "max_articles_per_run" not in outputs[2]
