"""End-to-end crawls of replica sites on 127.0.0.1, each crawl in a child process.

The replicas log every request, so the tests can assert what the crawler asked for, not just
what it returned. The "database" is a JSONL sink (tests/replicas/crawl_child.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tests.replicas is imported from the project root
    sys.path.insert(0, str(ROOT))

from crawler.sources import load_sources  # noqa: E402
from crawler.urls import canonical_url  # noqa: E402
from pipeline.demo.server import (  # noqa: E402
    DemoArticle,
    ReplicaSite,
    publish,
    serve_demo_sites,
    synthetic_articles,
)
from tests.replicas.harness import Db, article_paths, crawl, crawl_and_kill  # noqa: E402

pytestmark = pytest.mark.slow

SOURCES = load_sources()
PATTERN = {sid: SOURCES[sid].article_pattern for sid in SOURCES}


def expected_urls(site: ReplicaSite, base: str) -> set[str]:
    return {canonical_url(base + site.url(a)) for a in site.articles}


def new_articles(site: str, ids: range, day: str) -> list[DemoArticle]:
    return [
        DemoArticle(
            id=i,
            site=site,
            title=f"Berita baru {i} pelayanan publik",
            date=day,
            text="Isi.\n\nLagi.",
        )
        for i in ids
    ]


def page_urls(db: Db, source: str) -> list[str]:
    return [r["canonical_url"] for r in db.pages(source)]


def test_full_crawl_then_incremental_runs(tmp_path: Path) -> None:
    articles = (
        synthetic_articles("mmckalteng", 30, start_id=1000)
        + synthetic_articles("infopublik", 25, start_id=900_000)
        + synthetic_articles("kalimantanpost", 35, start_id=3000)
    )
    families = ["mmckalteng", "infopublik", "kalimantanpost", "offsite"]
    sources = ["mmckalteng", "infopublik", "kalimantanpost"]
    db = Db(tmp_path)
    with serve_demo_sites(articles, families=families) as run:
        mmc, ip, wp = (run.sites[s] for s in sources)
        off = run.base_urls["offsite"]
        oldest_ip = ip.articles[-1]
        wp.extra_links = [
            "/2024/01/arsip-internal-rapat/",  # matches the article pattern, disallowed by robots.txt
            f"{off}/2024/02/berita-di-situs-lain/",  # an article-looking link on another host
        ]
        ip.extra_links = [
            f"/kategori/nusantara/{oldest_ip.id}/index.html",  # the same article under another form
            f"{off}/kategori/nusantara/1/luar",
        ]
        mmc.extra_links = [f"{off}/berita/read/1/luar"]

        # Run 1: a full crawl of three source families at once.
        crawl(db, run.base_urls, sources, env={"PANTAU_CONTACT_URL": "https://example.org/kontak"})
        for sid in sources:
            urls = page_urls(db, sid)
            assert set(urls) == expected_urls(run.sites[sid], run.base_urls[sid]), sid
            assert len(urls) == len(set(urls)), f"{sid}: duplicate pages"
            assert db.last_run(sid)["complete"], db.last_run(sid)
            assert db.last_run(sid)["items"] == len(run.sites[sid].articles)
        # Off-domain links and redirects were never followed; the disallowed path never asked.
        assert run.sites["offsite"].log == []
        assert not [p for p in wp.log if p.startswith("/2024/01/arsip-")]
        assert [e["error_kind"] for e in db.errors("kalimantanpost")] == ["robots"]
        # An InfoPublik article linked under two forms is fetched once; rel=canonical names it.
        assert len([p for p in ip.log if p.startswith(f"/kategori/nusantara/{oldest_ip.id}/")]) == 1
        [oldest_page] = [p for p in db.pages("infopublik") if p["article_id"] == oldest_ip.id]
        assert oldest_page["canonical_url"] == canonical_url(
            run.base_urls["infopublik"] + ip.url(oldest_ip)
        )
        assert oldest_page["aliases"] == [
            canonical_url(run.base_urls["infopublik"] + ip.extra_links[0])
        ]
        # robots.txt decisions are logged in the health record (MMC answers 403).
        robots = db.last_run("mmckalteng")["robots"]
        assert any("403" in v and "without restrictions" in v for v in robots.values()), robots
        assert all("Pantau/" in ua and "https://example.org/kontak" in ua for ua in mmc.user_agents)
        # Raw pages: body, status, kept headers, fetch time.
        page = db.pages("kalimantanpost")[0]
        assert page["status"] == 200 and page["size"] > 500 and page["fetched_at"]
        assert page["headers"]["content-type"].startswith("text/html") and page["lastmod"]

        # Run 2: nothing changed -> listing/feed/sitemap requests only, zero article requests.
        marks = {sid: len(run.sites[sid].log) for sid in sources}
        items_before = len(db.items())
        crawl(db, run.base_urls, sources)
        for sid in sources:
            later = run.sites[sid].log[marks[sid] :]
            assert article_paths(later, PATTERN[sid]) == [], (sid, later)
            # The robots-disallowed link is scheduled again but stopped before the network.
            assert db.last_run(sid)["article_requests"] == (sid == "kalimantanpost")
        assert [r["error_kind"] for r in db.items()[items_before:]] == ["robots"]
        assert mmc.log[marks["mmckalteng"] :] == ["/robots.txt", "/berita/1"]
        assert ip.log[marks["infopublik"] :] == ["/robots.txt", "/kategori/nusantara"]
        # The sitemap (first preference) had everything: feed and listing not needed.
        assert wp.log[marks["kalimantanpost"] :] == [
            "/robots.txt",
            "/wp-sitemap.xml",
            "/wp-sitemap-posts-post-1.xml",
        ]

        # Run 3: new stories everywhere and one edited WordPress story (new sitemap lastmod).
        publish(mmc, new_articles("mmckalteng", range(2000, 2003), "2026-11-21"))
        publish(ip, new_articles("infopublik", range(990_000, 990_002), "2026-11-21"))
        publish(wp, new_articles("kalimantanpost", range(4000, 4001), "2026-11-21"))
        edited = wp.articles[5]
        wp.modified[edited.id] = "2026-11-21"
        marks = {sid: len(run.sites[sid].log) for sid in sources}
        before = {sid: len(db.pages(sid)) for sid in sources}
        crawl(db, run.base_urls, sources)
        new_pages = {sid: db.pages(sid)[before[sid] :] for sid in sources}
        assert sorted(p["url"].rsplit("/", 2)[-2] for p in new_pages["mmckalteng"]) == [
            "2000",
            "2001",
            "2002",
        ]
        # Page 1 held 3 new + 9 known stories, page 2 only known ones: paging stopped there.
        assert [p for p in mmc.log[marks["mmckalteng"] :] if not p.startswith("/berita/read/")] == [
            "/robots.txt",
            "/berita/1",
            "/berita/2",
        ]
        assert sorted(p["article_id"] for p in new_pages["infopublik"]) == [990_000, 990_001]
        # Page 2 had no id above the watermark (the highest stored id): paging stopped there.
        assert [p for p in ip.log[marks["infopublik"] :] if "/page/" in p] == [
            "/kategori/nusantara/page/2"
        ]
        changed = [p for p in new_pages["kalimantanpost"] if p["refetch"]]
        assert [p["canonical_url"] for p in changed] == [
            canonical_url(run.base_urls["kalimantanpost"] + wp.url(edited))
        ]
        assert "diperbarui" in changed[0]["text"]
        assert len(new_pages["kalimantanpost"]) == 2
        assert db.last_run("kalimantanpost")["changed"] == 1


FAULTS = {
    "/2024/01/hilang/": ("404", "http_404"),
    "/2024/01/galat-server/": ("500", "http_500"),
    "/2024/01/terlalu-sering/": ("429", "http_429"),
    "/2024/01/lambat/": ("timeout", "timeout"),
    "/2024/01/berputar/": ("loop", "redirect_loop"),
    "/2024/01/raksasa/": ("big", "too_large"),
    "/2024/01/pindah-ke-luar/": ("offsite_redirect", "offsite"),
    "/2024/01/dihapus/": ("home_redirect", "not_article"),
}


def test_failures_are_recorded_and_the_run_continues(tmp_path: Path) -> None:
    articles = synthetic_articles("kalimantanpost", 15, start_id=3000) + synthetic_articles(
        "mmckalteng", 14, start_id=1000
    )
    families = ["kalimantanpost", "mmckalteng", "palangkaraya", "offsite"]
    db = Db(tmp_path)
    with serve_demo_sites(articles, families=families) as run:
        wp, pky = run.sites["kalimantanpost"], run.sites["palangkaraya"]
        wp.faults = {path: kind for path, (kind, _) in FAULTS.items()}
        wp.faults["/2024/01/sekali-ditolak/"] = "429once"
        wp.faults["/2024/01/judul-lama/"] = "moved"  # 301 to the newest story, also linked
        wp.extra_links = [*wp.faults, f"{run.base_urls['offsite']}/2024/02/luar/"]
        wp.big_bytes = 600_000
        # palangkaraya's robots.txt answers 503: RFC 9309 "unreachable" -> full disallow.
        pky.robots_status, pky.robots = 503, "Service Unavailable"
        crawl(
            db,
            run.base_urls,
            ["kalimantanpost", "mmckalteng", "palangkaraya"],
            {"DOWNLOAD_MAXSIZE": 300_000, "DOWNLOAD_WARNSIZE": 0},
        )
        errors = {
            e["url"].split("127.0.0.1", 1)[1].split("/", 1)[1]: e
            for e in db.errors("kalimantanpost")
        }
        for path, (_, kind) in FAULTS.items():
            error = errors.get(path.lstrip("/"))
            assert error is not None, f"no error recorded for {path}: {sorted(errors)}"
            assert error["error_kind"] == kind and error["reason"], error
        # Retry-After: 1 was honoured, then the page came through.
        stamps = [t for t, p in wp.times if p == "/2024/01/sekali-ditolak/"]
        assert len(stamps) == 2 and stamps[1] - stamps[0] >= 0.9
        pages = {p["canonical_url"] for p in db.pages("kalimantanpost")}
        assert canonical_url(run.base_urls["kalimantanpost"] + "/2024/01/sekali-ditolak/") in pages
        assert expected_urls(wp, run.base_urls["kalimantanpost"]) <= pages
        assert len(pages) == len(wp.articles) + 1
        assert "/2024/01/judul-lama/" in wp.log
        assert len(db.pages("kalimantanpost")) == len(pages)  # the moved story stored once
        health = db.last_run("kalimantanpost")
        assert health["finish_reason"] == "finished" and not health["complete"]
        assert health["errors_by_kind"]["http_500"] == 1 and health["status_counts"]["429"] >= 3
        # Nothing ever reached the other host, neither by link nor by redirect.
        assert run.sites["offsite"].log == []
        # A source with an unreachable robots.txt asked nothing else and is reported ...
        assert set(pky.log) == {"/robots.txt"}
        pky_run = db.last_run("palangkaraya")
        assert any("complete disallow" in v for v in pky_run["robots"].values())
        assert set(pky_run["errors_by_kind"]) == {"robots_unreachable"}
        assert not pky_run["complete"]
        # ... while the other sources in the same run finished normally.
        assert len(db.pages("mmckalteng")) == 14 and db.last_run("mmckalteng")["complete"]


def test_resume_after_sigkill_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    articles = synthetic_articles("mmckalteng", 40, start_id=1000) + synthetic_articles(
        "kalimantanpost", 40, start_id=3000
    )
    sources = ["mmckalteng", "kalimantanpost"]
    db = Db(tmp_path)
    # Slow enough that the kills land mid-crawl, on both sources at once.
    slow = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 0.03}
    with serve_demo_sites(articles, families=[*sources, "offsite"]) as run:
        expected = {sid: expected_urls(run.sites[sid], run.base_urls[sid]) for sid in sources}
        total = sum(len(v) for v in expected.values())
        gained = [
            crawl_and_kill(db, run.base_urls, sources, after_lines=n, settings=slow)
            for n in (5, 25)
        ]
        assert 0 < sum(gained) < total, gained  # really killed part-way
        assert not db.runs.exists()  # a killed run leaves no health record behind
        crawl(db, run.base_urls, sources)
        for sid in sources:
            urls = page_urls(db, sid)
            assert set(urls) == expected[sid], sid
            assert len(urls) == len(set(urls)), f"{sid}: duplicated after resume"
            assert db.last_run(sid)["complete"]
        # The resumed run is a normal run: the next one is caught up and fetches nothing.
        marks = {sid: len(run.sites[sid].log) for sid in sources}
        crawl(db, run.base_urls, sources)
        for sid in sources:
            assert article_paths(run.sites[sid].log[marks[sid] :], PATTERN[sid]) == []


def test_at_most_two_concurrent_requests_per_host(tmp_path: Path) -> None:
    articles = synthetic_articles("mmckalteng", 12, start_id=1000)
    with serve_demo_sites(articles, families=["mmckalteng"]) as run:
        site = run.sites["mmckalteng"]
        site.latency = 0.15
        # Even an operator's explicit per-host setting cannot raise the cap.
        overrides = {"CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}
        crawl(Db(tmp_path), run.base_urls, ["mmckalteng"], overrides)
        assert len(article_paths(site.log, PATTERN["mmckalteng"])) == 12
        assert site.max_inflight == 2


def test_scrapy_crawl_command_from_repo_root(tmp_path: Path) -> None:
    import subprocess

    articles = synthetic_articles("mmckalteng", 14, start_id=1000) + synthetic_articles(
        "infopublik", 11, start_id=900_000
    )
    with serve_demo_sites(articles, families=["mmckalteng", "infopublik"]) as run:
        for spider, extra in (("news", ["-a", "source=mmckalteng"]), ("infopublik", [])):
            sid = "mmckalteng" if spider == "news" else "infopublik"
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "scrapy",
                    "crawl",
                    spider,
                    *extra,
                    "-a",
                    f"base_url={run.base_urls[sid]}",
                    "-s",
                    "DOWNLOAD_DELAY=0",
                    "-s",
                    "AUTOTHROTTLE_ENABLED=0",
                    "-s",
                    "LOG_LEVEL=INFO",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
                env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            )
            assert proc.returncode == 0, proc.stderr[-3000:]
            n = len(run.sites[sid].articles)
            assert f"'item_scraped_count': {n}" in proc.stderr, proc.stderr[-3000:]


def test_discovery_falls_back_from_a_missing_sitemap_to_feed_then_listing(tmp_path: Path) -> None:
    db = Db(tmp_path)
    with serve_demo_sites(
        synthetic_articles("kalimantanpost", 25, start_id=3000), families=["kalimantanpost"]
    ) as run:
        wp = run.sites["kalimantanpost"]
        wp.faults = {"/wp-sitemap.xml": "404"}
        crawl(db, run.base_urls, ["kalimantanpost"])
        assert {p["canonical_url"] for p in db.pages("kalimantanpost")} == expected_urls(
            wp, run.base_urls["kalimantanpost"]
        )
        assert db.last_run("kalimantanpost")["complete"]  # a 404 sitemap is not transient
        # 12 new stories: more than the feed's 10, so the feed looks overflowed -> listing.
        publish(wp, new_articles("kalimantanpost", range(5000, 5012), "2026-11-21"))
        mark = len(wp.log)
        crawl(db, run.base_urls, ["kalimantanpost"])
        later = [p for p in wp.log[mark:] if not article_paths([p], PATTERN["kalimantanpost"])]
        assert later == [
            "/robots.txt",
            "/wp-sitemap.xml",
            "/feed/",
            "/category/berita/",
            "/category/berita/page/2/",
            "/category/berita/page/3/",
        ]
        assert len(db.pages("kalimantanpost")) == 25 + 12
        assert db.last_run("kalimantanpost")["discovery"] == [
            "sitemap /wp-sitemap.xml",
            "feed /feed/",
            "listing /category/berita/",
        ]


BROKEN_SOURCE_SCRIPT = """
import dataclasses, json, sys
from crawler.runner import CrawlJob, run_crawl
from crawler.sources import load_sources
base = sys.argv[1]
good = load_sources()["mmckalteng"].with_base_url(base)
broken = dataclasses.replace(good, id="rusak", spider="tidak_ada")
pages = []
results = run_crawl(
    [CrawlJob(broken), CrawlJob(good)],
    lambda item: pages.append(item["url"]) if item["kind"] == "page" else None,
    {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False},
)
print(json.dumps({k: [r.finish_reason, r.items] for k, r in results.items()} | {"pages": len(pages)}))
"""


def test_a_source_that_cannot_start_does_not_stop_the_others() -> None:
    import json
    import subprocess

    with serve_demo_sites(
        synthetic_articles("mmckalteng", 5, start_id=1000), families=["mmckalteng"]
    ) as run:
        proc = subprocess.run(
            [sys.executable, "-c", BROKEN_SOURCE_SCRIPT, run.base_urls["mmckalteng"]],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["rusak"][0].startswith("failed:") and out["rusak"][1] == 0
    assert out["mmckalteng"] == ["finished", 5] and out["pages"] == 5
