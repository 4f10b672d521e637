"""An edited article (new sitemap lastmod, new text) becomes a new version, not a duplicate."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from _cli import pantau

from pipeline.demo.server import serve_demo_sites, synthetic_articles

pytestmark = pytest.mark.slow


def test_edited_article_is_stored_as_a_new_version(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    articles = synthetic_articles("kalimantanpost", 12, start_id=3000)
    with serve_demo_sites(articles, families=["kalimantanpost"]) as run:
        site = run.sites["kalimantanpost"]
        args = ["crawl", "-s", "kalimantanpost", "--base-url", run.base_urls["kalimantanpost"]]
        first = pantau(*args, "--db", str(db))
        assert first.returncode == 0, first.stdout + first.stderr
        assert "new=12" in first.stdout

        edited = site.articles[3]
        site.modified[edited.id] = "2026-11-21"  # the sitemap's lastmod moves; the text changes
        second = pantau(*args, "--db", str(db))
        assert second.returncode == 0, second.stdout + second.stderr
        assert "new=0 changed=1" in second.stdout

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 12
        versions = con.execute(
            "SELECT a.url, a.version, list(v.text ORDER BY v.version) FROM articles a "
            "JOIN article_versions v ON v.article_id = a.id WHERE a.version > 1 GROUP BY ALL"
        ).fetchall()
        assert len(versions) == 1
        url, version, texts = versions[0]
        assert version == 2 and "diperbarui" in texts[1] and "diperbarui" not in texts[0]
        assert url.startswith("https://") and "127.0.0.1" not in url
