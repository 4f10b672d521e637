"""Fast checks of the source registry, URL canonicalisation and retry helpers (no network)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.middlewares import retry_after_seconds
from crawler.sources import SourceConfigError, load_sources
from crawler.spiders.infopublik import article_id
from crawler.spiders.news import _later
from crawler.urls import canonical_url

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = """
[[source]]
id = "contoh"
name = "Contoh"
base_url = "https://contoh.go.id"
province = "Kalimantan Tengah"
discovery = [{ kind = "listing", path = "/berita", next = "/berita?page={n}" }]
article_pattern = '^/berita/\\d+/[a-z-]+$'
"""


def _load(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "sources.toml"
    path.write_text(text, "utf-8")
    return load_sources(path)


def test_shipped_registry_has_the_required_sources() -> None:
    sources = load_sources()
    assert len(sources) >= 10
    for sid in ("mmckalteng", "infopublik", "kalimantanpost", "palangkaraya"):
        assert sources[sid].enabled, sid
    assert sources["mmckalteng"].netloc == "mmc.kalteng.go.id"
    assert sources["infopublik"].spider == "infopublik"
    kinds = [step["kind"] for step in sources["kalimantanpost"].discovery]
    assert kinds == ["sitemap", "feed", "listing"]
    assert sum(s.province.startswith("Kalimantan") for s in sources.values()) >= 9
    for source in sources.values():
        assert source.max_concurrency <= 2
        assert source.download_delay >= 1.0


def test_minimal_entry_loads_with_defaults(tmp_path: Path) -> None:
    source = _load(tmp_path, MINIMAL)["contoh"]
    assert source.enabled and source.spider == "news" and source.max_concurrency == 2
    assert source.url("/berita?page=2") == "https://contoh.go.id/berita?page=2"
    assert source.with_base_url("http://127.0.0.1:8000/x").base_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('name = "Contoh"\n', ""), "missing required field 'name'"),
        (("article_pattern = '^/berita", "article_pattern = '^/(berita"), "not a valid regex"),
        (('kind = "listing"', 'kind = "crawl"'), "each discovery entry needs kind"),
        (('next = "/berita?page={n}"', 'next = "/berita?page=2"'), "must contain {n}"),
        (('id = "contoh"', 'id = "Contoh Site"'), "id must match"),
        (
            ('province = "Kalimantan Tengah"\n', 'province = "Kalteng"\ndownload_delay = 0.2\n'),
            "may only slow down",
        ),
        (
            ('province = "Kalimantan Tengah"\n', 'province = "Kalteng"\nmax_concurrency = 8\n'),
            "max_concurrency",
        ),
        (
            ('province = "Kalimantan Tengah"\n', 'province = "Kalteng"\nenable = false\n'),
            "unknown fields ['enable']",
        ),
        (
            (
                'province = "Kalimantan Tengah"\n',
                'province = "Kalteng"\narticle_examples = ["/berita/2"]\n',
            ),
            "does not match article example '/berita/2'",
        ),
        (
            (
                'province = "Kalimantan Tengah"\n',
                'province = "Kalteng"\nnon_article_examples = ["/berita/2/ab"]\n',
            ),
            "matches non article example",
        ),
        (
            ('base_url = "https://contoh.go.id"', 'base_url = "ftp://contoh.go.id"'),
            "base_url must start",
        ),
    ],
)
def test_invalid_entries_fail_with_a_clear_message(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in MINIMAL
    with pytest.raises(SourceConfigError) as err:
        _load(tmp_path, MINIMAL.replace(old, new, 1))
    assert message in str(err.value)
    assert "source " in str(err.value)  # names the entry at fault


def test_duplicate_ids_and_bad_toml_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(SourceConfigError, match="duplicate source id 'contoh'"):
        _load(tmp_path, MINIMAL + MINIMAL)
    with pytest.raises(SourceConfigError, match="not valid TOML"):
        _load(tmp_path, "[[source]\nid=")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.InfoPublik.id/kategori/nusantara/1/judul/?utm_source=fb&fbclid=x#top",
            "https://infopublik.id/kategori/nusantara/1/judul",
        ),
        (
            "http://mmc.kalteng.go.id/berita/read/5/slug/",
            "https://mmc.kalteng.go.id/berita/read/5/slug",
        ),
        (
            "https://infopublik.id/kategori/nusantara/985/index.html",
            "https://infopublik.id/kategori/nusantara/985",
        ),
        ("https://humabetang.com/?page=2&utm_medium=x", "https://humabetang.com/?page=2"),
        ("http://127.0.0.1:8080/berita/1/", "http://127.0.0.1:8080/berita/1"),
    ],
)
def test_canonical_url_folds_variants(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_infopublik_article_id() -> None:
    assert article_id("https://infopublik.id/kategori/nusantara/985123/judul") == 985123
    assert article_id("https://infopublik.id/kategori/nusantara/985123/index.html") == 985123
    assert article_id("https://infopublik.id/kategori/nusantara/page/2") is None


def test_retry_after_parsing() -> None:
    now = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Sun, 22 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Sun, 22 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def test_scrapy_list_from_repo_root() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert set(proc.stdout.split()) == {"news", "infopublik"}


def test_sitemap_lastmod_comparison() -> None:
    assert _later("2026-11-21T08:00:00+07:00", "2026-11-20T08:00:00+07:00")
    assert not _later("2026-11-20T01:00:00Z", "2026-11-20T08:00:00+07:00")  # same instant
    assert not _later("2026-11-19", "2026-11-20")
    assert _later("2026-11-21", "2026-11-20T23:00:00+00:00")  # mixed naive/aware
    assert _later("kemarin", "lusa")  # unparseable: any change counts
