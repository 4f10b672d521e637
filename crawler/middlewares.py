"""Downloader middlewares that keep a crawl on its source."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)


class StayOnSourceMiddleware:
    """Drop every request whose host:port is not one the spider allows.

    Scrapy's own offsite check compares host names only; replicas served on 127.0.0.1
    differ by port, and a redirect to another host must never be followed. Redirected
    requests pass through downloader middlewares again, so this check covers them too.
    """

    def process_request(self, request: Request, spider: Spider) -> Any:
        allowed: set[str] = getattr(spider, "allowed_netlocs", set())
        if not allowed:
            return None
        netloc = urlsplit(request.url).netloc.lower()
        if netloc not in allowed:
            stats = getattr(spider, "crawler", None)
            if stats is not None:
                spider.crawler.stats.inc_value("pantau/offsite_dropped")
            logger.info("offsite: not requesting %s (allowed: %s)", request.url, sorted(allowed))
            raise IgnoreRequest(f"offsite: {netloc}")
        return None
