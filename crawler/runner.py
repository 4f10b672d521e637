"""Run one or more source crawls in this process and hand every item to a callback.

The caller owns what happens to items (the ``pantau`` CLI extracts and stores them);
this module only knows Scrapy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.sources import Source
from crawler.spiders.news import NewsSpider, load_source_spider

logger = logging.getLogger(__name__)


@dataclass
class CrawlJob:
    """One source to crawl, with what the caller already has stored."""

    source: Source
    known_urls: set[str] = field(default_factory=set)


@dataclass
class CrawlResult:
    """What a source's crawl did, from Scrapy's stats."""

    source_id: str
    requests: int = 0
    items: int = 0
    errors: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    finish_reason: str = ""
    stats: dict[str, Any] = field(default_factory=dict)


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

    Args:
        jobs: Sources with their already-known canonical URLs.
        on_item: Called in the crawl thread for every item (``kind`` "page" or "error").
            An exception in it is logged and the crawl goes on.
        settings: Scrapy setting overrides.

    Returns:
        A :class:`CrawlResult` per source id.
    """
    merged = {"LOG_INSTALL_ROOT_HANDLER": False, **(settings or {})}
    process = CrawlerProcess(crawl_settings(merged))
    results: dict[str, CrawlResult] = {}

    for job in jobs:
        spider_cls: type[NewsSpider] = load_source_spider_for(job.source)
        crawler = process.create_crawler(spider_cls)
        result = results.setdefault(job.source.id, CrawlResult(job.source.id))

        def _scraped(item: dict[str, Any], result: CrawlResult = result) -> None:
            if item.get("kind") == "error":
                result.errors += 1
            else:
                result.items += 1
            try:
                on_item(item)
            except Exception:  # the sink must never kill the crawl
                logger.exception("item handler failed for %s", item.get("url"))

        def _closed(spider: NewsSpider, reason: str, result: CrawlResult = result) -> None:
            stats = dict(spider.crawler.stats.get_stats())
            result.finish_reason = reason
            result.requests = int(stats.get("downloader/request_count", 0))
            result.status_counts = {
                k.rsplit("/", 1)[-1]: int(v)
                for k, v in stats.items()
                if k.startswith("downloader/response_status_count/")
            }
            result.errors += int(stats.get("pantau/offsite_dropped", 0))
            result.stats = {
                k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()
            }

        # weak=False: these closures are rebound every loop turn and would otherwise be
        # garbage-collected, silently dropping every source's items but the last one's.
        crawler.signals.connect(_scraped, signal=signals.item_scraped, weak=False)
        crawler.signals.connect(_closed, signal=signals.spider_closed, weak=False)
        process.crawl(crawler, source=job.source, known_urls=job.known_urls)
    process.start()
    return results


def load_source_spider_for(source: Source) -> type[NewsSpider]:
    """Spider class for ``source`` (its own module when ``spider`` names one)."""
    if source.spider == "news":
        return NewsSpider
    return load_source_spider(source.id)
