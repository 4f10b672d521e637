"""The generic news spider: one class, driven by a :class:`crawler.sources.Source` entry.

Discovery uses the source's entry points in order of preference (sitemap, feed, listing
pages). A later entry point is used only when the earlier ones yielded no article URL, or
when a feed was entirely new (it may have overflowed since the last run). Every article URL
the caller does not already know is requested once; each fetched article becomes one raw
page item. What happens to it (extraction, storage) is the caller's business.

The spider holds no state across runs: the caller's database is the frontier. It passes
``known_urls`` (canonical URLs and aliases already stored), optionally ``known_lastmod``
(sitemap lastmod stored per URL) and ``caught_up`` (whether the previous run of this source
completed). Only a caught-up source may stop paging early: after an interrupted run the
stored set can have holes behind a fully-known listing page, so the next run walks every
entry point up to its page limit (still requesting only unknown articles).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.internet.error import TimeoutError as TxTimeoutError

from crawler.sources import MAX_CONCURRENCY, Source, load_sources
from crawler.urls import canonical_url

# Response headers worth keeping with a raw page.
KEPT_HEADERS = ("content-type", "last-modified", "etag", "content-language", "location")

# Error kinds after which retrying next run would not help; anything else (timeouts, 5xx, 429,
# connection failures) makes the run "incomplete" so the next one walks all discovery again.
PERMANENT_ERROR_KINDS = frozenset(
    {
        "http_404",
        "http_410",
        "http_403",
        "robots",
        "offsite",
        "too_large",
        "redirect_loop",
        "not_article",
    }
)


def _truthy(value: Any) -> bool:
    """Spider arguments arrive as strings from ``scrapy crawl -a``."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _later(lastmod: str, stored: str) -> bool:
    """Whether sitemap ``lastmod`` is later than the stored one (W3C datetimes or dates)."""
    try:
        new, old = (
            datetime.fromisoformat(v.strip().replace("Z", "+00:00")) for v in (lastmod, stored)
        )
        if (new.tzinfo is None) != (old.tzinfo is None):
            new, old = new.replace(tzinfo=None), old.replace(tzinfo=None)
        return new > old
    except ValueError:
        return lastmod.strip() != stored.strip()  # unparseable: any change counts


def classify_failure(failure: Any) -> tuple[str, str]:
    """Map a Twisted failure of a request to (error kind, human reason).

    Args:
        failure: The failure passed to a request errback.

    Returns:
        A kind such as ``timeout``, ``robots``, ``offsite``, ``redirect_loop``, ``too_large``,
        ``dns``, ``connection`` or ``other``, and a one-line reason.
    """
    exc = failure.value
    message = failure.getErrorMessage()
    name = type(exc).__name__
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in message:
            # An unreachable robots.txt is transient (asked again next run); a rule is not.
            return ("robots_unreachable" if "unreachable" in message else "robots"), message
        if message.startswith("offsite"):
            return "offsite", message
        if "redirections" in message:
            return "redirect_loop", f"redirect loop or chain: {message}"
        return "ignored", message
    if isinstance(exc, TxTimeoutError | TCPTimedOutError | TimeoutError) or "Timeout" in name:
        return "timeout", f"{name}: {message}"
    if isinstance(exc, DNSLookupError):
        return "dns", f"{name}: {message}"
    if "max size" in message or "maxsize" in message.lower():
        return "too_large", f"page over the size limit: {message}"
    if isinstance(exc, ConnectError | ConnectionLost) or "ResponseFailed" in name:
        return "connection", f"{name}: {message}"
    return "other", f"{name}: {message}"


class NewsSpider(scrapy.Spider):
    """Crawl one configured source.

    Spider arguments (``scrapy crawl news -a source=mmckalteng -a base_url=...``):
        source: A source id (looked up in ``sources.toml``) or a :class:`Source`.
        base_url: Optional mirror/replica base URL; the crawl then stays on that host.
        known_urls: Canonical URLs (and aliases) already stored; never requested again unless a
            sitemap shows a changed ``lastmod``.
        known_lastmod: Stored sitemap ``lastmod`` by canonical URL.
        caught_up: The previous run of this source completed; allows early stops.
    """

    name = "news"
    default_source: str | None = None

    def __init__(
        self,
        source: str | Source | None = None,
        base_url: str | None = None,
        known_urls: Iterable[str] = (),
        known_lastmod: dict[str, str] | None = None,
        caught_up: bool | str = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        source = source if source is not None else self.default_source
        if source is None:
            raise ValueError(f"{self.name} needs a source (-a source=<id>)")
        src = load_sources()[source] if isinstance(source, str) else source
        if base_url:
            src = src.with_base_url(base_url)
        self.source = src
        self.allowed_netlocs = set(src.allowed_netlocs)
        self.known_urls: set[str] = {canonical_url(u) for u in known_urls}
        self.known_lastmod: dict[str, str] = {
            canonical_url(k): v for k, v in (known_lastmod or {}).items()
        }
        self.caught_up = _truthy(caught_up)
        self.seen_urls: set[str] = set()  # discovery pages requested this run
        self.seen_articles: set[str] = set()  # article keys requested this run
        self.article_budget = src.max_articles_per_run
        self.capped = False
        self.emitted: set[str] = set()  # canonical URLs of page items yielded this run
        self._article_re = re.compile(src.article_pattern)
        self._listing_re = re.compile(src.listing_pattern)
        self.listing_pages = 0
        # Discovery bookkeeping: which entry points ran and what each found.
        self._next_step = 0
        self.step_found: dict[int, int] = {}
        self.step_new: dict[int, int] = {}
        self.step_overflow: set[int] = set()
        self.discovery_log: list[str] = []

    # -- wiring ----------------------------------------------------------------------
    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        """Create the spider, apply the source's politeness and hook the idle signal."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.apply_politeness(crawler)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        return spider

    def apply_politeness(self, crawler: Crawler) -> None:
        """Per-source overrides, only ever gentler; explicit command-line settings still win.

        Runs before Scrapy freezes the crawler's settings. Also builds the User-Agent from
        ``CONTACT_URL`` unless ``USER_AGENT`` was set explicitly.
        """
        settings = crawler.settings
        if settings.frozen:
            return
        delay = max(settings.getfloat("DOWNLOAD_DELAY"), self.source.download_delay)
        settings.set("DOWNLOAD_DELAY", delay, priority="spider")
        # The per-host cap is hard: not even a command-line setting may exceed it.
        key = "CONCURRENT_REQUESTS_PER_DOMAIN"
        per_host = min(settings.getint(key), self.source.max_concurrency, MAX_CONCURRENCY)
        if per_host != settings.getint(key):
            self.logger.info("%s: %s capped at %d", self.source.id, key, per_host)
            settings.set(key, per_host, priority=max(settings.getpriority(key) or 0, 30))
        if (settings.getpriority("USER_AGENT") or 0) <= 20:  # project level: not set by hand
            settings.set("USER_AGENT", user_agent(settings.get("CONTACT_URL")), priority="spider")

    # -- discovery -------------------------------------------------------------------
    def _step_requests(self, index: int) -> list[scrapy.Request]:
        step = self.source.discovery[index]
        callback = {
            "listing": self.parse_listing,
            "feed": self.parse_feed,
            "sitemap": self.parse_sitemap,
        }[step["kind"]]
        self.step_found.setdefault(index, 0)
        self.step_new.setdefault(index, 0)
        self.discovery_log.append(f"{step['kind']} {step['path']}")
        self.crawler.stats.set_value("pantau/discovery", "; ".join(self.discovery_log))
        url = self.source.url(step["path"])
        self.seen_urls.add(canonical_url(url))
        return [self.discovery_request(url, callback, index, 1)]

    def discovery_request(
        self, url: str, callback: Callable[..., Any], step: int, page: int
    ) -> scrapy.Request:
        """A listing/feed/sitemap request; discovery runs before articles (priority)."""
        return scrapy.Request(
            url,
            callback=callback,
            cb_kwargs={"step": step, "page": page},
            errback=self.on_error,
            dont_filter=True,
            meta={"pantau_role": "discovery"},
            priority=10,
        )

    async def start(self) -> AsyncIterator[Any]:
        """The most preferred entry point; the others follow from :meth:`_on_idle`."""
        self._next_step = 1
        for request in self._step_requests(0):
            yield request

    def _on_idle(self, spider: scrapy.Spider) -> None:
        """Start the next entry point once the current one is fully crawled, if needed.

        Caught up: only when the entry points used so far found no article link, or a feed
        was entirely new. Not caught up: always, so that every entry point is walked. Entry
        points run one after another so that sitemap ``lastmod`` values are attached to the
        articles before a feed or listing could request them without one.
        """
        if spider is not self or self._next_step >= len(self.source.discovery):
            return
        found = sum(self.step_found.values())
        if self.caught_up and found and not self.step_overflow:
            return
        index = self._next_step
        self._next_step += 1
        if not self.caught_up:
            why = "previous run incomplete, walking every entry point"
        elif self.step_overflow:
            why = "feed may have overflowed"
        else:
            why = "no article links found"
        self.logger.info(
            "%s: %s; falling back to %s %s",
            self.source.id,
            why,
            self.source.discovery[index]["kind"],
            self.source.discovery[index]["path"],
        )
        self.step_overflow.clear()
        for request in self._step_requests(index):
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def is_article(self, url: str) -> bool:
        """Whether ``url`` is on this source and its path matches the article pattern."""
        parts = urlsplit(url)
        if parts.netloc.lower() not in self.allowed_netlocs:
            if self._article_re.match(parts.path):
                self.crawler.stats.inc_value("pantau/offsite_links_skipped")
            return False
        return bool(self._article_re.match(parts.path))

    def article_key(self, url: str) -> str:
        """What identifies an article within a run (canonical URL; subclasses may use an id)."""
        return canonical_url(url)

    def is_known(self, url: str) -> bool:
        """Whether the caller already stored ``url`` (subclasses add id-based checks)."""
        return canonical_url(url) in self.known_urls

    def article_requests(
        self,
        urls: Iterable[str],
        step: int,
        lastmods: dict[str, str] | None = None,
    ) -> Iterator[scrapy.Request]:
        """Requests for article URLs not yet known, nor already scheduled in this run.

        A known URL is requested again only when a sitemap ``lastmod`` differs from the one
        stored with it; its item then carries ``refetch=True`` so the caller stores a version.
        """
        for url in urls:
            key = self.article_key(url)
            if key in self.seen_articles:
                continue
            if self.article_budget <= 0:
                # Per-run cap reached: the run is marked incomplete, so the next one walks
                # discovery again and picks up where this one stopped.
                if not self.capped:
                    self.capped = True
                    self.logger.warning(
                        "%s: max_articles_per_run %d reached; the rest waits for the next run",
                        self.source.id,
                        self.source.max_articles_per_run,
                    )
                return
            lastmod = (lastmods or {}).get(url)
            refetch = False
            if self.is_known(url):
                stored = self.known_lastmod.get(key)
                if not (lastmod and stored and _later(lastmod, stored)):
                    continue
                refetch = True
            self.seen_articles.add(key)
            self.article_budget -= 1
            self.step_new[step] = self.step_new.get(step, 0) + 1
            self.crawler.stats.inc_value("pantau/article_requests")
            if refetch:
                self.crawler.stats.inc_value("pantau/article_refetches")
            # dont_filter (here and on discovery requests): the spider dedupes by article key
            # itself; Scrapy's dupefilter would silently drop a redirect back to an already
            # requested URL, and the loop would leave no error record.
            yield scrapy.Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                dont_filter=True,
                meta={
                    "pantau_role": "article",
                    "pantau_lastmod": lastmod,
                    "pantau_refetch": refetch,
                    "pantau_via": self.source.discovery[step]["kind"],
                },
            )

    def parse_listing(self, response: Response, step: int = 0, page: int = 1) -> Iterator[Any]:
        """Collect article links from a listing page; page on while it brings new ones."""
        if response.status >= 400:
            yield self.http_error(response, "listing page")
            return
        self.listing_pages += 1
        links = [response.urljoin(h) for h in response.css("a::attr(href)").getall()]
        articles = [u for u in dict.fromkeys(links) if self.is_article(u)]
        self.step_found[step] = self.step_found.get(step, 0) + len(articles)
        new = list(self.article_requests(articles, step))
        yield from new
        if not articles:
            self.logger.warning("listing %s has no article links: markup changed?", response.url)
            return
        if self.caught_up and self.stop_paging(articles, new):
            self.logger.info("%s: listing page %d already known; stop paging", self.source.id, page)
            return
        if page >= self.source.max_listing_pages:
            self.logger.info("%s: max_listing_pages %d reached", self.source.id, page)
            return
        next_url = self.next_listing_url(response, step, page, links)
        if next_url and canonical_url(next_url) not in self.seen_urls:
            self.seen_urls.add(canonical_url(next_url))
            yield self.discovery_request(next_url, self.parse_listing, step, page + 1)

    def stop_paging(self, articles: list[str], new: list[scrapy.Request]) -> bool:
        """A whole page of articles the caller already stored means the crawl has caught up.

        Articles merely requested earlier in this run (say, from the feed) do not count: the
        older new ones may sit on the next page.
        """
        return all(self.is_known(u) for u in articles)

    def next_listing_url(
        self, response: Response, step: int, page: int, links: list[str]
    ) -> str | None:
        """The next listing page, only if this page links to it (no guessing past the end).

        Preference: the step's ``next`` template, then ``rel=next``, then the first unseen
        link matching ``listing_pattern``.
        """
        template = self.source.discovery[step].get("next")
        linked = {canonical_url(u) for u in links}
        if template:
            candidate = self.source.url(template.format(n=page + 1))
            if canonical_url(candidate) in linked:
                return candidate
        rel_next = response.css('a[rel~="next"]::attr(href), link[rel~="next"]::attr(href)').get()
        if rel_next:
            url = response.urljoin(rel_next)
            if urlsplit(url).netloc.lower() in self.allowed_netlocs:
                return url
        for url in links:
            parts = urlsplit(url)
            if (
                parts.netloc.lower() in self.allowed_netlocs
                and self._listing_re.match(parts.path)
                and canonical_url(url) not in self.seen_urls
            ):
                return url
        return None

    def parse_feed(self, response: Response, step: int = 0, page: int = 1) -> Iterator[Any]:
        """RSS/Atom: article links from ``<item><link>`` and ``<entry><link href>``."""
        if response.status >= 400:
            yield self.http_error(response, "feed")
            return
        if not isinstance(response, TextResponse):
            response = TextResponse(response.url, body=response.body, encoding="utf-8")
        response.selector.remove_namespaces()
        links = [
            u.strip() for u in response.xpath("//item/link/text() | //entry/link/@href").getall()
        ]
        articles = [u for u in dict.fromkeys(links) if self.is_article(u)]
        self.step_found[step] = self.step_found.get(step, 0) + len(articles)
        new = list(self.article_requests(articles, step))
        if articles and len(new) == len(articles):
            # Every entry is new: more may have been published than the feed holds.
            self.step_overflow.add(step)
        yield from new

    def parse_sitemap(self, response: Response, step: int = 0, page: int = 1) -> Iterator[Any]:
        """Sitemaps and sitemap indexes (gzip too), honouring ``<lastmod>``."""
        if response.status >= 400:
            yield self.http_error(response, "sitemap")
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        try:
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except Exception as exc:  # malformed XML: record and let discovery fall back
            yield self.error_item(response.url, "bad_sitemap", f"unparseable sitemap: {exc}")
            return
        if sitemap.type == "sitemapindex":
            follow = self.source.discovery[step].get("follow")
            for entry in entries:
                loc = entry.get("loc", "").strip()
                if not loc or (follow and not re.search(follow, loc)):
                    continue
                if urlsplit(loc).netloc.lower() not in self.allowed_netlocs:
                    continue
                if canonical_url(loc) in self.seen_urls:
                    continue
                self.seen_urls.add(canonical_url(loc))
                yield self.discovery_request(loc, self.parse_sitemap, step, page + 1)
            return
        lastmods: dict[str, str] = {}
        articles = []
        for entry in entries:
            loc = entry.get("loc", "").strip()
            if loc and self.is_article(loc):
                articles.append(loc)
                if entry.get("lastmod"):
                    lastmods[loc] = entry["lastmod"].strip()
        self.step_found[step] = self.step_found.get(step, 0) + len(articles)
        yield from self.article_requests(articles, step, lastmods)

    # -- articles --------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        """One raw-page item per fetched article; an error item for an error status."""
        if response.status >= 400:
            yield self.http_error(response, "article")
            return
        if not self.is_article(response.url):
            # e.g. a deleted article redirecting to the home page: not an article to store.
            yield self.error_item(
                response.meta.get("redirect_urls", [response.url])[0],
                "not_article",
                f"article link ended on a non-article page {response.url}",
                response.status,
            )
            return
        item = self.page_item(response)
        if item["canonical_url"] in self.emitted:
            # Two links led to one page (an old URL redirecting to the new one): keep one.
            self.crawler.stats.inc_value("pantau/duplicate_pages_dropped")
            return
        self.emitted.add(item["canonical_url"])
        yield item

    def declared_canonical(self, response: Response) -> str | None:
        """The page's ``rel=canonical`` when it is an article URL of this source."""
        if not isinstance(response, TextResponse):
            return None
        href = response.css('link[rel~="canonical"]::attr(href)').get()
        if not href:
            return None
        url = response.urljoin(href.strip())
        return url if self.is_article(url) else None

    def page_item(self, response: Response) -> dict[str, Any]:
        """The raw page as a plain dict: what the caller stores and re-extracts later.

        ``canonical_url`` honours ``rel=canonical``; ``aliases`` lists the other canonical
        forms this page was reached under (link before redirects, final URL) so the caller can
        add them to ``known_urls`` and never request them again.
        """
        headers = {
            k: response.headers.get(k, b"").decode("latin-1")
            for k in KEPT_HEADERS
            if response.headers.get(k)
        }
        encoding = response.encoding if isinstance(response, TextResponse) else None
        declared = self.declared_canonical(response)
        canonical = canonical_url(declared or response.url)
        requested = response.meta.get("redirect_urls", [response.request.url])[0]
        aliases = sorted({canonical_url(requested), canonical_url(response.url)} - {canonical})
        meta = response.meta
        return {
            "kind": "page",
            "source": self.source.id,
            "url": response.url,
            "canonical_url": canonical,
            "aliases": aliases,
            "status": response.status,
            "headers": headers,
            "encoding": encoding,
            "body": response.body,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "lastmod": meta.get("pantau_lastmod"),
            "refetch": bool(meta.get("pantau_refetch")),
            "found_via": meta.get("pantau_via"),
        }

    # -- errors ----------------------------------------------------------------------
    def error_item(
        self, url: str, error_kind: str, reason: str, status: int | None = None
    ) -> dict[str, Any]:
        """An error record; ``error_kind`` is one short word for health histograms."""
        self.crawler.stats.inc_value(f"pantau/errors/{error_kind}")
        item: dict[str, Any] = {
            "kind": "error",
            "source": self.source.id,
            "url": url,
            "stage": "crawl",
            "error_kind": error_kind,
            "reason": reason,
        }
        if status is not None:
            item["status"] = status
        return item

    def http_error(self, response: Response, what: str) -> dict[str, Any]:
        """An error item for an HTTP error status (Scrapy's retries already spent)."""
        return self.error_item(
            response.url,
            f"http_{response.status}",
            f"HTTP {response.status} on {what}",
            response.status,
        )

    def on_error(self, failure: Any) -> Iterator[dict[str, Any]]:
        """Record a failed request (robots, offsite, timeout, size limit, loop...) and go on."""
        request = failure.request
        kind, reason = classify_failure(failure)
        self.logger.warning("failed %s: [%s] %s", request.url, kind, reason)
        yield self.error_item(request.url, kind, reason)


def user_agent(contact_url: str | None) -> str:
    """Pantau's User-Agent naming the operator's contact URL."""
    from crawler import __version__

    return f"Pantau/{__version__} (+{contact_url}; public-service news monitoring)"


def load_source_spider(source_id: str) -> type[NewsSpider]:
    """The spider class for a source: its own module if it has one, else the generic one."""
    src = load_sources()[source_id]
    return spider_class(src.spider)


def spider_class(name: str) -> type[NewsSpider]:
    """The spider class named ``name`` from ``crawler/spiders`` (``news`` is the generic one)."""
    if name == "news":
        return NewsSpider
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    loader = SpiderLoader(Settings({"SPIDER_MODULES": ["crawler.spiders"]}))
    return loader.load(name)
