"""Replica news sites on 127.0.0.1 that follow the live sites' layouts and URL patterns.

Used by ``pantau demo`` and by the test suite: the real spiders crawl these over real
HTTP. Each site runs on its own port in a background thread; every request path is
logged so tests can count what a crawl asked for.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


@dataclass
class DemoArticle:
    """One article of the bundled sample."""

    id: int
    site: str
    title: str
    date: str
    text: str
    author: str = "Kontributor"

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")[:80]

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]

    def indonesian_date(self, with_day: bool = False) -> str:
        d = date.fromisoformat(self.date)
        text = f"{d.day:02d} {BULAN[d.month - 1]} {d.year}"
        return f"{HARI[d.weekday()]}, {text}" if with_day else text


def load_demo_articles() -> list[DemoArticle]:
    """The bundled, licence-clean demo sample (see ``data/articles.jsonl``)."""
    text = resources.files("pipeline.demo").joinpath("data/articles.jsonl").read_text("utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [
        DemoArticle(
            id=r["id"],
            site=r["site"],
            title=r["title"],
            date=r["date"],
            text=r["text"],
            author=r.get("author", "Kontributor"),
        )
        for r in rows
    ]


WORDS = [
    "pemerintah",
    "provinsi",
    "kabupaten",
    "pelayanan",
    "publik",
    "warga",
    "kegiatan",
    "rapat",
    "koordinasi",
    "bupati",
    "gubernur",
    "dinas",
    "program",
    "anggaran",
    "desa",
    "sekolah",
    "jalan",
    "jembatan",
    "kesehatan",
    "pasar",
    "petani",
    "sosialisasi",
    "perizinan",
    "digital",
    "aplikasi",
    "kerja",
    "sama",
    "nota",
    "kesepahaman",
    "pungutan",
    "liar",
]


def synthetic_articles(
    site: str, n: int, start_id: int = 5000, newest: str = "2026-11-20"
) -> list[DemoArticle]:
    """``n`` deterministic filler articles for ``site`` (tests and benchmarks, not the demo).

    Ids grow with the date, one article a day going back from ``newest``, as on live sites.

    Args:
        site: The replica family id the articles belong to.
        n: How many.
        start_id: Id of the oldest article.
        newest: ISO date of the newest article.

    Returns:
        Articles oldest first.
    """
    last = date.fromisoformat(newest)
    out = []
    for i in range(n):
        words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(6)]
        title = f"Berita {i + 1} {' '.join(words[:4])}".capitalize()
        paragraphs = [
            " ".join(WORDS[(i + j * 5 + k) % len(WORDS)] for k in range(40)).capitalize() + "."
            for j in range(4)
        ]
        out.append(
            DemoArticle(
                id=start_id + i,
                site=site,
                title=title,
                date=(last - timedelta(days=n - 1 - i)).isoformat(),
                text="\n\n".join(paragraphs),
            )
        )
    return out


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# -- site layouts --------------------------------------------------------------------------
# Failure injection: a path of a replica can be made to answer with one of these.
FAULT_KINDS = (
    "404",  # not found
    "500",  # server error (every time)
    "429",  # too many requests, Retry-After: 1 (every time)
    "429once",  # 429 with Retry-After: 1 the first time, then the page
    "timeout",  # answers after ``slow_seconds``
    "loop",  # redirects to itself forever
    "big",  # a page of ``big_bytes`` bytes
    "offsite_redirect",  # 302 to the off-domain replica
    "home_redirect",  # 301 to the home page (deleted article)
    "moved",  # 301 to the newest article (an old URL of a story that moved)
)


@dataclass
class Reply:
    """One HTTP answer of a replica."""

    status: int
    content_type: str
    body: str | bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class ReplicaSite:
    """Base: routing, request log and a shared page shell with typical regional-site chrome.

    Instances can be tuned by tests: ``robots``/``robots_status``, ``faults`` (path -> one of
    :data:`FAULT_KINDS`), ``extra_links`` (rendered on listing page 1 and in sitemaps) and
    ``base``/``offsite_base`` (set by :func:`serve_demo_sites` once ports are bound).
    """

    site_id = ""
    site_name = ""
    per_page = 12
    robots = "User-agent: *\nDisallow: /admin/\n"
    robots_status = 200

    def __init__(self, articles: list[DemoArticle]) -> None:
        # Newest first, as the live listings are.
        self.articles = sorted(articles, key=lambda a: (a.date, a.id), reverse=True)
        self.by_id = {a.id: a for a in self.articles}
        self.log: list[str] = []
        self.times: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.faults: dict[str, str] = {}
        self.extra_links: list[str] = []
        self.modified: dict[int, str] = {}  # article id -> ISO date of its last edit
        self.base = ""
        self.offsite_base = ""
        self.slow_seconds = 3.0
        self.latency = 0.0  # seconds added to every answer (concurrency tests)
        self.user_agents: set[str] = set()
        self.inflight = 0
        self.max_inflight = 0
        self.big_bytes = 3 * 1024 * 1024
        self._fault_hits: dict[str, int] = {}

    def respond(self, path: str) -> Reply:
        """The answer for ``path``: robots.txt, an injected fault, or the site's own route."""
        if path == "/robots.txt":
            return Reply(self.robots_status, "text/plain; charset=utf-8", self.robots)
        fault = self.faults.get(path)
        if fault:
            return self.fault(path, fault)
        status, ctype, body = self.route(path)
        return Reply(status, ctype, body)

    def fault(self, path: str, kind: str) -> Reply:
        """Answer ``path`` with the injected failure ``kind``."""
        html_type = "text/html; charset=utf-8"
        with self.lock:
            hits = self._fault_hits[path] = self._fault_hits.get(path, 0) + 1
        if kind == "404":
            return Reply(404, html_type, self.shell("404", "<h1>Halaman tidak ditemukan</h1>"))
        if kind == "500":
            return Reply(500, html_type, "<h1>Internal Server Error</h1>")
        if kind == "429" or (kind == "429once" and hits == 1):
            return Reply(429, html_type, "<h1>Too Many Requests</h1>", {"Retry-After": "1"})
        if kind == "timeout":
            return Reply(200, html_type, self.fault_page(path), delay=self.slow_seconds)
        if kind == "loop":
            return Reply(302, html_type, "", {"Location": path})
        if kind == "big":
            filler = "<p>" + "x" * 1000 + "</p>"
            body = self.fault_page(path) + filler * (self.big_bytes // len(filler) + 1)
            return Reply(200, html_type, body)
        if kind == "offsite_redirect":
            return Reply(302, html_type, "", {"Location": f"{self.offsite_base}{path}"})
        if kind == "home_redirect":
            return Reply(301, html_type, "", {"Location": "/"})
        if kind == "moved" and self.articles:
            return Reply(301, html_type, "", {"Location": self.url(self.articles[0])})
        return Reply(200, html_type, self.fault_page(path))

    def url(self, a: DemoArticle) -> str:
        """Path of article ``a`` on this site."""
        raise NotImplementedError

    def extra_html(self) -> str:
        """Injected links (fault paths, off-domain articles) for listing page 1."""
        if not self.extra_links:
            return ""
        items = "".join(f'<li><a href="{_e(u)}">{_e(u)}</a></li>' for u in self.extra_links)
        return f'<aside class="terkait"><ul>{items}</ul></aside>'

    def fault_page(self, path: str) -> str:
        """A plain article-like page served by a fault path once it stops failing."""
        return self.shell(
            path, f"<main><article><h1>{_e(path)}</h1><p>Isi berita.</p></article></main>"
        )

    def shell(self, title: str, body: str, head: str = "") -> str:
        today = "Minggu, 22 November 2026"  # a header "today" widget: never a publication date
        return (
            f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f'{head}</head><body><header><div class="top-date">{today}</div>'
            f'<nav><a href="/">Beranda</a> <a href="/admin/login">Login</a> '
            f'<a href="https://www.facebook.com/share">Facebook</a></nav></header>'
            f"{body}<footer>© {self.site_name}. Hak cipta dilindungi.</footer></body></html>"
        )

    def route(self, path: str) -> tuple[int, str, str]:
        """Return (status, content type, body) for ``path``."""
        raise NotImplementedError

    def route_key(self, raw_path: str) -> str:
        """What :meth:`respond` routes on: the path without query (sites with ``?page=`` differ)."""
        return raw_path.split("?", 1)[0]

    def pages(self) -> int:
        return max(1, -(-len(self.articles) // self.per_page))


class MMCKaltengSite(ReplicaSite):
    """mmc.kalteng.go.id: ``/berita/{page}`` listings, ``/berita/read/{id}/{slug}`` articles."""

    site_id = "mmckalteng"
    site_name = "Multimedia Center Provinsi Kalimantan Tengah"
    robots = "<html><body>403 Forbidden</body></html>"
    robots_status = 403  # as once seen live: RFC 9309 reads a 4xx robots.txt as "no rules"

    def url(self, a: DemoArticle) -> str:
        return f"/berita/read/{a.id}/{a.slug}"

    def route(self, path: str) -> tuple[int, str, str]:
        if path in ("/", "/berita"):
            return self.listing(1)
        if m := re.fullmatch(r"/berita/(\d+)/?", path):
            return self.listing(int(m.group(1)))
        if m := re.fullmatch(r"/berita/read/(\d+)/[^/]+/?", path):
            a = self.by_id.get(int(m.group(1)))
            if a and a.site == self.site_id:
                return 200, "text/html; charset=utf-8", self.article(a)
        return (
            404,
            "text/html; charset=utf-8",
            self.shell("404", "<h1>Halaman tidak ditemukan</h1>"),
        )

    def listing(self, page: int) -> tuple[int, str, str]:
        total = self.pages()
        if not 1 <= page <= total:
            return (
                404,
                "text/html; charset=utf-8",
                self.shell("404", "<h1>Halaman tidak ditemukan</h1>"),
            )
        items = self.articles[(page - 1) * self.per_page : page * self.per_page]
        cards = "".join(
            f'<div class="berita-item"><a href="{self.url(a)}"><h3>{_e(a.title)}</h3></a>'
            f"<span>{a.indonesian_date()}</span><p>{_e(a.paragraphs[0][:140])}…</p></div>"
            for a in items
        )
        pager = []
        if page > 1:
            pager.append(f'<a href="/berita/{page - 1}">Sebelumnya</a>')
        pager.append(f"<span>{page} of {total}</span>")
        if page < total:
            pager.append(f'<a href="/berita/{page + 1}">Selanjutnya</a>')
        body = f'<main><h1>Berita</h1>{cards}<div class="pager">{" ".join(pager)}</div></main>'
        if page == 1:
            body += self.extra_html()
        return 200, "text/html; charset=utf-8", self.shell(f"Berita - Halaman {page}", body)

    def article(self, a: DemoArticle) -> str:
        paras = a.paragraphs
        first = f"MMCKalteng – Palangka Raya – {paras[0]}"
        other = next((o for o in self.articles if o.id != a.id), a)
        blocks = [f"<p>{_e(first)}</p>"] + [f"<p>{_e(p)}</p>" for p in paras[1:]]
        # The CMS inserts a bare, class-less related link after the second paragraph.
        blocks.insert(
            2, f'<p>(<b>Baca Juga :</b> <a href="{self.url(other)}">{_e(other.title)}</a>)</p>'
        )
        body = (
            f'<main><article><h1 class="judul">{_e(a.title)}</h1>'
            f'<div class="meta">Kontribusi dari {_e(a.author)}, {a.indonesian_date()} 10:00, '
            f"Dibaca 3 kali.</div>"
            f'<div class="isi-berita">{"".join(blocks)}</div>'
            f'<div class="kontributor"><b>{_e(a.author)}</b><p>Merupakan salah satu kontributor di '
            f"Multimedia Center Provinsi Kalimantan Tengah.</p></div>"
            f'<div class="addthis_toolbox">Bagikan: Facebook Twitter WhatsApp</div>'
            f'<div class="prev-next"><a href="{self.url(other)}">Previous post</a></div>'
            f'<div id="disqus_thread"></div></article></main>'
            f'<aside><h4>Berita Lainnya</h4><ul><li><a href="{self.url(other)}">{_e(other.title)}</a></li>'
            f"</ul><h4>Berita Terbaru</h4><h4>Radio Corner</h4></aside>"
        )
        head = f'<meta property="og:title" content="{_e(a.title)}">'
        return self.shell(f"{a.title} | MMC Kalteng", body, head)


class InfoPublikSite(ReplicaSite):
    """infopublik.id: ``/kategori/nusantara/{id}/{slug}`` articles, paginated rubrik listing."""

    site_id = "infopublik"
    site_name = "InfoPublik"
    per_page = 10

    def url(self, a: DemoArticle) -> str:
        return f"/kategori/nusantara/{a.id}/{a.slug}"

    def route(self, path: str) -> tuple[int, str, str]:
        if path in ("/", "/kategori/nusantara", "/kategori/nusantara/"):
            return self.listing(1)
        if m := re.fullmatch(r"/kategori/nusantara/page/(\d+)/?", path):
            return self.listing(int(m.group(1)))
        if m := re.fullmatch(r"/kategori/nusantara/(\d+)/[^/]+/?", path):
            a = self.by_id.get(int(m.group(1)))
            if a and a.site == self.site_id:
                return 200, "text/html; charset=utf-8", self.article(a)
        return 404, "text/html; charset=utf-8", self.shell("404", "<h1>Not found</h1>")

    def listing(self, page: int) -> tuple[int, str, str]:
        total = self.pages()
        if not 1 <= page <= total:
            return 404, "text/html; charset=utf-8", self.shell("404", "<h1>Not found</h1>")
        items = self.articles[(page - 1) * self.per_page : page * self.per_page]
        cards = "".join(
            f'<div class="card"><a href="{self.url(a)}?utm_source=listing">{_e(a.title)}</a>'
            f"<small>{a.indonesian_date(with_day=True)}</small></div>"
            for a in items
        )
        nxt = (
            f'<a rel="next" href="/kategori/nusantara/page/{page + 1}">Berikutnya</a>'
            if page < total
            else ""
        )
        extra = self.extra_html() if page == 1 else ""
        return (
            200,
            "text/html; charset=utf-8",
            self.shell("Nusantara", f"<main>{cards}{nxt}</main>{extra}"),
        )

    def article(self, a: DemoArticle) -> str:
        paras = a.paragraphs
        blocks = [f"<p>Palangka Raya, InfoPublik - {_e(paras[0])}</p>"] + [
            f"<p>{_e(p)}</p>" for p in paras[1:]
        ]
        blocks.append("<p>MC Kalteng/Demo/YIN</p>")
        body = (
            f'<main><div class="detail"><h1>{_e(a.title.upper())}</h1>'
            f'<p class="date">{a.indonesian_date(with_day=True)} - {_e(a.author)}</p>'
            f'<div class="body-detail">{"".join(blocks)}</div>'
            f'<div class="share">Bagikan: <a href="https://twitter.com/intent">Twitter</a></div></div></main>'
        )
        head = (
            f'<link rel="canonical" href="{self.url(a)}">'
            f'<meta property="article:published_time" content="{a.date}T09:00:00+07:00">'
        )
        return self.shell(f"{a.title} | InfoPublik", body, head)


class WordPressSite(ReplicaSite):
    """A WordPress news site (kalimantanpost.com family).

    Date permalinks ``/YYYY/MM/{slug}/``, a category listing ``/category/berita/page/{n}/`` with a
    numbered pager, an RSS feed ``/feed/`` (10 newest), the core sitemap ``/wp-sitemap.xml``
    (index of post, page and taxonomy sitemaps, post ``lastmod`` from :attr:`modified`), static
    pages, tag pages, and article chrome: 'Iklan' blocks, 'Baca Juga:' and 'Sebarkan artikel ini'.
    """

    site_id = "kalimantanpost"
    site_name = "Kalimantan Post"
    category = "berita"
    per_page = 10
    feed_size = 10
    robots = (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
        "Disallow: /2024/01/arsip-\nSitemap: /wp-sitemap.xml\n"
    )
    static_pages = ("/tentang-kami/", "/redaksi/", "/pedoman-media-siber/")

    def url(self, a: DemoArticle) -> str:
        d = date.fromisoformat(a.date)
        return f"/{d.year}/{d.month:02d}/{a.slug}/"

    def lastmod(self, a: DemoArticle) -> str:
        return f"{self.modified.get(a.id, a.date)}T08:00:00+07:00"

    def route(self, path: str) -> tuple[int, str, str]:
        html_type = "text/html; charset=utf-8"
        cat = f"/category/{self.category}"
        if path in ("/", f"{cat}/", cat):
            return self.listing(1)
        if m := re.fullmatch(rf"{cat}/page/(\d+)/?", path):
            return self.listing(int(m.group(1)))
        if path in ("/feed/", "/feed"):
            return 200, "application/rss+xml; charset=utf-8", self.feed()
        if path == "/wp-sitemap.xml":
            return 200, "application/xml; charset=utf-8", self.sitemap_index()
        if path == "/wp-sitemap-posts-post-1.xml":
            return 200, "application/xml; charset=utf-8", self.sitemap_posts()
        if path == "/wp-sitemap-posts-page-1.xml":
            urls = "".join(f"<url><loc>{self.base}{p}</loc></url>" for p in self.static_pages)
            return 200, "application/xml; charset=utf-8", self._urlset(urls)
        if path == "/wp-sitemap-taxonomies-category-1.xml":
            urls = f"<url><loc>{self.base}{cat}/</loc></url><url><loc>{self.base}/category/daerah/</loc></url>"
            return 200, "application/xml; charset=utf-8", self._urlset(urls)
        if path in self.static_pages or path.startswith(("/tag/", "/category/")):
            return (
                200,
                html_type,
                self.shell(path, f"<main><h1>{_e(path)}</h1><p>Halaman.</p></main>"),
            )
        for a in self.articles:
            if self.url(a) == path or self.url(a).rstrip("/") == path:
                return 200, html_type, self.article(a)
        return 404, html_type, self.shell("404", "<h1>Halaman tidak ditemukan</h1>")

    def listing(self, page: int) -> tuple[int, str, str]:
        total = self.pages()
        html_type = "text/html; charset=utf-8"
        if not 1 <= page <= total:
            return 404, html_type, self.shell("404", "<h1>Halaman tidak ditemukan</h1>")
        items = self.articles[(page - 1) * self.per_page : page * self.per_page]
        cat = f"/category/{self.category}"
        cards = "".join(
            f'<article class="post"><h2 class="entry-title"><a href="{self.url(a)}" rel="bookmark">'
            f"{_e(a.title)}</a></h2><time>{a.indonesian_date()}</time>"
            f'<a class="cat" href="{cat}/">Berita</a> <a href="/tag/kalsel/">Kalsel</a></article>'
            for a in items
        )
        # A numbered pager as WordPress themes render it: every page linked from every page.
        numbers = " ".join(
            f'<a class="page-numbers" href="{cat}/page/{n}/">{n}</a>'
            if n != page
            else f"<span>{n}</span>"
            for n in range(1, total + 1)
        )
        nxt = (
            f'<a class="next page-numbers" href="{cat}/page/{page + 1}/">Berikutnya »</a>'
            if page < total
            else ""
        )
        extra = self.extra_html() if page == 1 else ""
        body = (
            f'<main><h1 class="page-title">Kategori: Berita</h1>{cards}'
            f'<nav class="pagination">{numbers} {nxt}</nav></main>{extra}'
            f'<aside><div class="iklan">Iklan</div><a href="/tentang-kami/">Tentang Kami</a></aside>'
        )
        return 200, html_type, self.shell(f"Berita - Halaman {page}", body)

    def feed(self) -> str:
        items = "".join(
            f"<item><title>{_e(a.title)}</title><link>{self.base}{self.url(a)}</link>"
            f'<guid isPermaLink="false">{self.base}/?p={a.id}</guid>'
            f"<pubDate>{a.date}</pubDate></item>"
            for a in self.articles[: self.feed_size]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"<title>{_e(self.site_name)}</title><link>{self.base}/</link>{items}</channel></rss>"
        )

    def sitemap_index(self) -> str:
        names = ("posts-post-1", "posts-page-1", "taxonomies-category-1")
        entries = "".join(
            f"<sitemap><loc>{self.base}/wp-sitemap-{n}.xml</loc></sitemap>" for n in names
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
        )

    def sitemap_posts(self) -> str:
        urls = "".join(
            f"<url><loc>{self.base}{self.url(a)}</loc><lastmod>{self.lastmod(a)}</lastmod></url>"
            for a in self.articles
        )
        urls += "".join(f"<url><loc>{_e(self._abs(u))}</loc></url>" for u in self.extra_links)
        return self._urlset(urls)

    def _abs(self, url: str) -> str:
        return url if "://" in url else f"{self.base}{url}"

    @staticmethod
    def _urlset(urls: str) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )

    def article(self, a: DemoArticle) -> str:
        paras = a.paragraphs
        others = [o for o in self.articles if o.id != a.id][:1]
        blocks = [f"<p><strong>BANJARMASIN, KP</strong> – {_e(paras[0])}</p>"]
        blocks += [f"<p>{_e(p)}</p>" for p in paras[1:]]
        if others:
            o = others[0]
            blocks.insert(
                2, f'<p><strong>Baca Juga:</strong> <a href="{self.url(o)}">{_e(o.title)}</a></p>'
            )
        blocks.insert(
            1, '<div class="iklan"><span>Iklan</span><img src="/wp-content/iklan.jpg" alt=""></div>'
        )
        edited = (
            f"<p>Pembaruan {self.modified[a.id]}: berita ini telah diperbarui.</p>"
            if a.id in self.modified
            else ""
        )
        body = (
            f'<main><article class="post"><h1 class="entry-title">{_e(a.title)}</h1>'
            f'<div class="entry-meta"><time datetime="{a.date}T08:00:00+07:00">{a.indonesian_date()}</time>'
            f' oleh {_e(a.author)}</div><div class="entry-content">{"".join(blocks)}{edited}</div>'
            f'<div class="sharedaddy"><h3>Sebarkan artikel ini</h3><a href="https://www.facebook.com/sharer.php">FB</a></div>'
            f'<div class="tags"><a href="/tag/kalsel/">Kalsel</a></div></article></main>'
        )
        head = f'<link rel="canonical" href="{self.base}{self.url(a)}">'
        return self.shell(f"{a.title} – {self.site_name}", body, head)


class PalangkaRayaSite(WordPressSite):
    """palangkaraya.go.id (Media Center Isen Mulang): WordPress, category ``berita-terkini``."""

    site_id = "palangkaraya"
    site_name = "Media Center Isen Mulang"
    category = "berita-terkini"
    robots = "User-agent: *\nDisallow: /wp-admin/\n"


class OffsiteSite(ReplicaSite):
    """Another host: any request reaching it is a crawler bug (tests assert its log is empty)."""

    site_id = "offsite"
    site_name = "Situs Lain"

    def route(self, path: str) -> tuple[int, str, str]:
        return 200, "text/html; charset=utf-8", self.fault_page(path)


SITES: dict[str, type[ReplicaSite]] = {
    "mmckalteng": MMCKaltengSite,
    "infopublik": InfoPublikSite,
    "kalimantanpost": WordPressSite,
    "palangkaraya": PalangkaRayaSite,
    "offsite": OffsiteSite,
}
# What `pantau demo` serves by default: the families with bundled articles.
DEMO_FAMILIES = ("mmckalteng", "infopublik")


# -- serving -------------------------------------------------------------------------------
def _handler(site: ReplicaSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with site.lock:
                site.log.append(self.path)
                site.times.append((time.monotonic(), self.path))
                site.user_agents.add(self.headers.get("User-Agent", ""))
                site.inflight += 1
                site.max_inflight = max(site.max_inflight, site.inflight)
            try:
                self._answer()
            finally:
                with site.lock:
                    site.inflight -= 1

        def _answer(self) -> None:
            reply = site.respond(site.route_key(self.path))
            if reply.delay or site.latency:
                time.sleep(reply.delay + site.latency)
            data = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler gave up (timeout, size limit): nothing to answer

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    return Handler


class _QuietServer(ThreadingHTTPServer):
    """A threading server that does not print a traceback when a client hangs up early."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


def publish(site: ReplicaSite, articles: list[DemoArticle]) -> None:
    """Add ``articles`` to a running replica (as a site publishing new stories would)."""
    with site.lock:
        site.articles = sorted(site.articles + articles, key=lambda a: (a.date, a.id), reverse=True)
        site.by_id = {a.id: a for a in site.articles}


@dataclass
class RunningSites:
    """Base URLs and request logs of the replicas being served."""

    base_urls: dict[str, str] = field(default_factory=dict)
    sites: dict[str, ReplicaSite] = field(default_factory=dict)

    def requests(
        self, site_id: str, predicate: Callable[[str], bool] = lambda p: True
    ) -> list[str]:
        """Paths requested from ``site_id`` so far, optionally filtered."""
        return [p for p in self.sites[site_id].log if predicate(p)]


@contextmanager
def serve_demo_sites(
    articles: list[DemoArticle] | None = None,
    host: str = "127.0.0.1",
    families: Iterable[str] | None = None,
) -> Iterator[RunningSites]:
    """Serve every replica site on its own free port for the duration of the ``with`` block.

    Args:
        articles: The articles to publish (default: the bundled sample).
        host: Loopback address to bind.
        families: Replica ids from :data:`SITES` to serve (default: :data:`DEMO_FAMILIES`);
            include ``"offsite"`` for a second host that must never be requested.

    Yields:
        :class:`RunningSites` with ``base_urls`` by source id.
    """
    articles = load_demo_articles() if articles is None else articles
    running = RunningSites()
    servers: list[ThreadingHTTPServer] = []
    try:
        for site_id in families or DEMO_FAMILIES:
            cls = SITES[site_id]
            site = cls([a for a in articles if a.site == site_id])
            server = _QuietServer((host, 0), _handler(site))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            running.sites[site_id] = site
            running.base_urls[site_id] = f"http://{host}:{server.server_address[1]}"
            site.base = running.base_urls[site_id]
        for site in running.sites.values():
            site.offsite_base = running.base_urls.get("offsite", "http://offsite.invalid")
        yield running
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
