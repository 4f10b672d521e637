"""Run one or more source crawls in this process and hand every item to a callback.

The caller owns what happens to items (the ``pantau`` CLI extracts and stores them) and is
the crawl frontier: it passes what it already stored in each :class:`CrawlJob` and stores
what comes out. Nothing here keeps state between runs, so a crawl killed at any point is
resumed by running it again with ``caught_up=False`` (see :attr:`CrawlResult.complete`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.sources import Source
from crawler.spiders.news import PERMANENT_ERROR_KINDS, NewsSpider, spider_class

logger = logging.getLogger(__name__)


@dataclass
class CrawlJob:
    """One source to crawl, with what the caller already has stored.

    Attributes:
        source: The configured source (``Source.with_base_url`` for a mirror or replica).
        known_urls: Canonical URLs already stored, plus the ``aliases`` of stored pages.
        known_lastmod: Sitemap ``lastmod`` stored per canonical URL; a different value in the
            sitemap makes the article be fetched again (item ``refetch=True``).
        caught_up: True when the previous run of this source completed
            (:attr:`CrawlResult.complete`). Only then may discovery stop early (known listing
            page, InfoPublik watermark, preferred entry point sufficient). Default False is the
            safe choice: every entry point is walked to ``max_listing_pages``, still without
            requesting a known article.
        watermark: Highest stored article id for sources whose spider uses one (InfoPublik);
            derived from ``known_urls`` when None.
    """

    source: Source
    known_urls: set[str] = field(default_factory=set)
    known_lastmod: dict[str, str] = field(default_factory=dict)
    caught_up: bool = False
    watermark: int | None = None


@dataclass
class CrawlResult:
    """What a source's crawl did: the health record of one source in one run.

    Attributes:
        source_id: The source.
        requests: HTTP requests sent (robots.txt, discovery, articles, retries).
        article_requests: Article URLs requested (new ones plus lastmod refetches).
        items: Page items delivered (new and changed articles).
        changed: Of those, refetches of stored URLs whose sitemap lastmod changed.
        errors: Error items delivered.
        errors_by_kind: Error items by kind (``http_404``, ``timeout``, ``robots``...).
        status_counts: HTTP status histogram of all responses (as strings, e.g. ``"200"``).
        robots: robots.txt decision per host, e.g. ``"HTTP 403: unavailable, crawling ..."``.
        discovery: Entry points used, in order.
        started_at: ISO UTC start time.
        duration_s: Wall-clock seconds.
        finish_reason: Scrapy's close reason (``finished`` when it ran to the end), or
            ``failed: ...`` when the spider could not start.
        complete: Finished with no transient error and under the article cap: pass it as the
            next run's ``caught_up``.
        capped: The source's ``max_articles_per_run`` stopped this run's article requests.
        stats: All Scrapy stats, JSON-friendly.
    """

    source_id: str
    requests: int = 0
    article_requests: int = 0
    items: int = 0
    changed: int = 0
    errors: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    status_counts: dict[str, int] = field(default_factory=dict)
    robots: dict[str, str] = field(default_factory=dict)
    discovery: list[str] = field(default_factory=list)
    started_at: str = ""
    duration_s: float = 0.0
    finish_reason: str = ""
    complete: bool = False
    capped: bool = False
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def error_rate(self) -> float:
        """Errors per article request (0 when nothing was requested)."""
        return self.errors / self.article_requests if self.article_requests else 0.0


def crawl_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Pantau's Scrapy settings plus overrides (e.g. ``{"DOWNLOAD_DELAY": 0}`` for replicas)."""
    settings = get_project_settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    jobs: Iterable[CrawlJob],
    on_item: Callable[[dict[str, Any]], None],
    settings: dict[str, Any] | None = None,
) -> dict[str, CrawlResult]:
    """Crawl the given sources concurrently; block until all finish.

    Each source gets its own crawler (own settings with its politeness overrides, own
    robots.txt cache and stats), so one failing source never stops the others.

    Args:
        jobs: Sources with what the caller already stored.
        on_item: Called in the crawl thread for every item (``kind`` "page" or "error").
            An exception in it is logged and the crawl goes on.
        settings: Scrapy setting overrides (command-line priority: they beat per-source
            politeness, which is what tests and benchmarks against replicas want).

    Returns:
        A :class:`CrawlResult` per source id.
    """
    merged = {"LOG_INSTALL_ROOT_HANDLER": False, **(settings or {})}
    process = CrawlerProcess(crawl_settings(merged))
    results: dict[str, CrawlResult] = {}

    for job in jobs:
        result = results.setdefault(job.source.id, CrawlResult(job.source.id))
        try:
            spider_cls = load_source_spider_for(job.source)
        except Exception as exc:  # e.g. a source naming a spider module that does not exist
            logger.error("cannot crawl %s: %s", job.source.id, exc)
            result.finish_reason = f"failed: {exc}"
            result.errors_by_kind["spider_failed"] = 1
            result.errors = 1
            continue
        crawler = process.create_crawler(spider_cls)
        _connect(crawler, result, on_item)
        kwargs: dict[str, Any] = {
            "source": job.source,
            "known_urls": job.known_urls,
            "known_lastmod": job.known_lastmod,
            "caught_up": job.caught_up,
        }
        if job.watermark is not None:
            kwargs["watermark"] = job.watermark
        result.started_at = datetime.now(UTC).isoformat(timespec="seconds")
        deferred = process.crawl(crawler, **kwargs)

        def _failed(failure: Any, result: CrawlResult = result) -> None:
            # A spider that cannot even start (bad source, import error) is that source's
            # failure only; the other crawls keep running.
            logger.error("crawl of %s failed: %s", result.source_id, failure.getErrorMessage())
            result.finish_reason = f"failed: {failure.getErrorMessage()}"
            result.errors_by_kind["spider_failed"] = (
                result.errors_by_kind.get("spider_failed", 0) + 1
            )
            result.errors += 1

        deferred.addErrback(_failed)
    process.start()
    return results


def _connect(crawler: Any, result: CrawlResult, on_item: Callable[[dict[str, Any]], None]) -> None:
    clock: dict[str, float] = {}

    def _opened(spider: NewsSpider) -> None:
        clock["start"] = time.monotonic()

    def _scraped(item: dict[str, Any]) -> None:
        if item.get("kind") == "error":
            result.errors += 1
            kind = str(item.get("error_kind", "other"))
            result.errors_by_kind[kind] = result.errors_by_kind.get(kind, 0) + 1
        else:
            result.items += 1
            result.changed += int(bool(item.get("refetch")))
        try:
            on_item(item)
        except Exception:  # the sink must never kill the crawl
            logger.exception("item handler failed for %s", item.get("url"))

    def _closed(spider: NewsSpider, reason: str) -> None:
        stats = dict(spider.crawler.stats.get_stats())
        result.duration_s = round(time.monotonic() - clock.get("start", time.monotonic()), 3)
        result.finish_reason = reason
        result.requests = int(stats.get("downloader/request_count", 0))
        result.article_requests = int(stats.get("pantau/article_requests", 0))
        result.status_counts = {
            k.rsplit("/", 1)[-1]: int(v)
            for k, v in stats.items()
            if k.startswith("downloader/response_status_count/")
        }
        result.robots = {
            k.removeprefix("pantau/robots/"): str(v)
            for k, v in stats.items()
            if k.startswith("pantau/robots/")
        }
        result.discovery = list(getattr(spider, "discovery_log", []))
        transient = {k for k in result.errors_by_kind if k not in PERMANENT_ERROR_KINDS}
        result.capped = bool(getattr(spider, "capped", False))
        # A capped run left articles for the next one: it must not count as caught up.
        result.complete = reason == "finished" and not transient and not result.capped
        result.stats = {
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()
        }

    # weak=False: these closures have no other reference and would be garbage-collected.
    crawler.signals.connect(_opened, signal=signals.spider_opened, weak=False)
    crawler.signals.connect(_scraped, signal=signals.item_scraped, weak=False)
    crawler.signals.connect(_closed, signal=signals.spider_closed, weak=False)


def load_source_spider_for(source: Source) -> type[NewsSpider]:
    """Spider class for ``source`` (its own module when ``spider`` names one)."""
    return spider_class(source.spider)
