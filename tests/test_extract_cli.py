"""The `pantau extract --json` contract, through the real CLI in a subprocess."""

from __future__ import annotations

import json
import re
from pathlib import Path

from _cli import pantau

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def test_extract_json_one_object_per_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    proc = pantau(
        "extract",
        str(FIXTURES / "infopublik_like.html"),
        str(FIXTURES / "listing_kategori.html"),
        str(empty),
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(rows) == 3
    for row in rows:
        for key in (
            "title",
            "date",
            "author",
            "text",
            "is_article",
            "language",
            "location",
            "credit",
            "reporter",
            "editor",
            "captions",
            "error",
        ):
            assert key in row
        assert row["date"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", row["date"])
        assert isinstance(row["is_article"], bool)
    article, listing, blank = rows
    assert article["is_article"] and article["date"] == "2022-07-05"
    assert article["location"] == "Blora" and article["credit"] == "MC Kab Blora/Nas/YIN"
    assert listing["is_article"] is False
    assert blank["is_article"] is False and "empty" in blank["error"]


def test_extract_url_option_and_gzip(tmp_path: Path) -> None:
    import gzip

    page = (FIXTURES / "portal_print.html").read_bytes()
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress(page))
    proc = pantau(
        "extract", str(gz), "--url", "https://portal.example/berita/2018/03/22/akta/", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)
    assert row["url"] == "https://portal.example/berita/2018/03/22/akta/"
    assert row["is_article"] and row["date"] == "2018-03-22"


def test_unreadable_file_exits_nonzero_but_reports_the_rest(tmp_path: Path) -> None:
    proc = pantau(
        "extract", str(FIXTURES / "kp_wordpress.html"), str(tmp_path / "missing.html"), "--json"
    )
    assert proc.returncode == 1
    assert "missing.html" in proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(rows) == 1 and rows[0]["is_article"]


def test_eval_extract_replicas_runs() -> None:
    proc = pantau("eval-extract", "replicas", "--summary")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"replicas\s+ALL\s+pantau", proc.stdout)
    assert re.search(r"replicas\s+ALL\s+trafilatura", proc.stdout)
