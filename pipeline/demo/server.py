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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
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


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# -- site layouts --------------------------------------------------------------------------
class ReplicaSite:
    """Base: routing, request log and a shared page shell with typical regional-site chrome."""

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
        self.lock = threading.Lock()

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
        return (
            200,
            "text/html; charset=utf-8",
            self.shell("Nusantara", f"<main>{cards}{nxt}</main>"),
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


SITES: dict[str, type[ReplicaSite]] = {"mmckalteng": MMCKaltengSite, "infopublik": InfoPublikSite}


# -- serving -------------------------------------------------------------------------------
def _handler(site: ReplicaSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            with site.lock:
                site.log.append(self.path)
            if path == "/robots.txt":
                status, ctype, body = site.robots_status, "text/plain; charset=utf-8", site.robots
            else:
                status, ctype, body = site.route(path)
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    return Handler


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
    articles: list[DemoArticle] | None = None, host: str = "127.0.0.1"
) -> Iterator[RunningSites]:
    """Serve every replica site on its own free port for the duration of the ``with`` block.

    Args:
        articles: The articles to publish (default: the bundled sample).
        host: Loopback address to bind.

    Yields:
        :class:`RunningSites` with ``base_urls`` by source id.
    """
    articles = load_demo_articles() if articles is None else articles
    running = RunningSites()
    servers: list[ThreadingHTTPServer] = []
    try:
        for site_id, cls in SITES.items():
            site = cls([a for a in articles if a.site == site_id])
            server = ThreadingHTTPServer((host, 0), _handler(site))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            running.sites[site_id] = site
            running.base_urls[site_id] = f"http://{host}:{server.server_address[1]}"
        yield running
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
