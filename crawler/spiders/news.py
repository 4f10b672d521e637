"""The generic news spider: one class, driven by a :class:`crawler.sources.Source` entry.

Discovery walks the source's entry points (sitemap, feed, listing pages), follows
pagination within ``max_listing_pages`` and requests each article URL that the caller
does not already know. Each fetched article becomes one raw-page item; what happens to it
(extraction, storage) is the caller's business.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.sources import Source, load_sources
from crawler.urls import canonical_url

# Response headers worth keeping with a raw page.
KEPT_HEADERS = ("content-type", "last-modified", "etag", "content-language", "location")


class NewsSpider(scrapy.Spider):
    """Crawl one configured source.

    Spider arguments (``scrapy crawl news -a source=mmckalteng -a base_url=...``):
        source: A source id (looked up in ``sources.toml``) or a :class:`Source`.
        base_url: Optional mirror/replica base URL; the crawl then stays on that host.
        known_urls: Canonical URLs already stored; they are not requested again.
    """

    name = "news"

    def __init__(
        self,
        source: str | Source | None = None,
        base_url: str | None = None,
        known_urls: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if source is None:
            raise ValueError("NewsSpider needs a source (-a source=<id>)")
        src = load_sources()[source] if isinstance(source, str) else source
        if base_url:
            src = src.with_base_url(base_url)
        self.source = src
        self.allowed_netlocs = {src.netloc}
        self.known_urls: set[str] = set(known_urls)
        self.seen_urls: set[str] = set()
        self._article_re = re.compile(src.article_pattern)
        self._listing_re = re.compile(src.listing_pattern)
        self.download_delay = src.download_delay
        self.listing_pages = 0

    # -- discovery -------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """Yield one request per discovery entry point, in configured order."""
        for step in self.source.discovery:
            url = self.source.url(step["path"])
            callback = {
                "listing": self.parse_listing,
                "feed": self.parse_feed,
                "sitemap": self.parse_sitemap,
            }[step["kind"]]
            yield scrapy.Request(
                url, callback=callback, cb_kwargs={"depth": 0}, errback=self.on_error
            )

    def is_article(self, url: str) -> bool:
        """Whether ``url`` is on this source and its path matches the article pattern."""
        parts = urlsplit(url)
        return parts.netloc.lower() in self.allowed_netlocs and bool(
            self._article_re.match(parts.path)
        )

    def is_listing(self, url: str) -> bool:
        """Whether ``url`` is a listing/pagination page of this source."""
        parts = urlsplit(url)
        return parts.netloc.lower() in self.allowed_netlocs and bool(
            self._listing_re.match(parts.path)
        )

    def article_requests(self, urls: Iterable[str]) -> Iterator[scrapy.Request]:
        """Requests for article URLs not yet known or already scheduled in this run."""
        for url in urls:
            key = canonical_url(url)
            if key in self.known_urls or key in self.seen_urls:
                continue
            self.seen_urls.add(key)
            yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error)

    def parse_listing(self, response: Response, depth: int = 0) -> Iterator[Any]:
        """Collect article links from a listing page; page on while it brings new ones."""
        if response.status >= 400:
            yield self.http_error(response, "discovery page")
            return
        self.listing_pages += 1
        links = [response.urljoin(h) for h in response.css("a::attr(href)").getall()]
        articles = [u for u in dict.fromkeys(links) if self.is_article(u)]
        new = list(self.article_requests(articles))
        yield from new
        if not articles:
            self.logger.warning("listing %s has no article links: markup changed?", response.url)
        # A whole page of already-known articles means we have caught up: stop paging.
        if articles and not new:
            return
        if depth + 1 >= self.source.max_listing_pages:
            return
        for url in dict.fromkeys(links):
            if self.is_listing(url) and canonical_url(url) not in self.seen_urls:
                self.seen_urls.add(canonical_url(url))
                yield scrapy.Request(
                    url,
                    callback=self.parse_listing,
                    cb_kwargs={"depth": depth + 1},
                    errback=self.on_error,
                )

    def parse_feed(self, response: Response, depth: int = 0) -> Iterator[Any]:
        """RSS/Atom: article links from ``<item><link>`` and ``<entry><link href>``."""
        if response.status >= 400:
            yield self.http_error(response, "discovery page")
            return
        response.selector.remove_namespaces()
        links = response.xpath("//item/link/text() | //entry/link/@href").getall()
        yield from self.article_requests(u.strip() for u in links if self.is_article(u.strip()))

    def parse_sitemap(self, response: Response, depth: int = 0) -> Iterator[Any]:
        """Sitemaps and sitemap indexes."""
        if response.status >= 400:
            yield self.http_error(response, "discovery page")
            return
        response.selector.remove_namespaces()
        for loc in response.xpath("//sitemap/loc/text()").getall():
            yield scrapy.Request(loc.strip(), callback=self.parse_sitemap, errback=self.on_error)
        urls = [u.strip() for u in response.xpath("//url/loc/text()").getall()]
        yield from self.article_requests(u for u in urls if self.is_article(u))

    # -- articles --------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        """One raw-page item per fetched article; an error item for an error status."""
        if response.status >= 400:
            yield self.http_error(response, "article")
            return
        yield self.page_item(response)

    def page_item(self, response: Response) -> dict[str, Any]:
        """The raw page as a plain dict: what the caller stores and re-extracts later."""
        headers = {
            k: response.headers.get(k, b"").decode("latin-1")
            for k in KEPT_HEADERS
            if response.headers.get(k)
        }
        encoding = response.encoding if isinstance(response, TextResponse) else None
        return {
            "kind": "page",
            "source": self.source.id,
            "url": response.url,
            "canonical_url": canonical_url(response.url),
            "status": response.status,
            "headers": headers,
            "encoding": encoding,
            "body": response.body,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    # -- errors ----------------------------------------------------------------------
    def http_error(self, response: Response, what: str) -> dict[str, Any]:
        """An error item for an HTTP error status (Scrapy's retries already spent)."""
        self.crawler.stats.inc_value(f"pantau/http_{response.status}")
        return {
            "kind": "error",
            "source": self.source.id,
            "url": response.url,
            "stage": "crawl",
            "reason": f"HTTP {response.status} on {what}",
            "status": response.status,
        }

    def on_error(self, failure: Any) -> Iterator[dict[str, Any]]:
        """Record a failed request (DNS, timeout, refused, size limit, offsite) and go on."""
        request = failure.request
        reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.logger.warning("failed %s: %s", request.url, reason)
        yield {
            "kind": "error",
            "source": self.source.id,
            "url": request.url,
            "stage": "crawl",
            "reason": reason,
        }


def load_source_spider(source_id: str) -> type[NewsSpider]:
    """The spider class for a source: its own module if it has one, else the generic one."""
    src = load_sources()[source_id]
    if src.spider == "news":
        return NewsSpider
    module = __import__(f"crawler.spiders.{src.spider}", fromlist=["Spider"])
    return module.Spider
