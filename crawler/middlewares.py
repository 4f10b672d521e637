"""Downloader middlewares: stay on the source, read robots.txt per RFC 9309, back off politely."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)


class StayOnSourceMiddleware:
    """Drop every request whose host:port is not one the spider allows.

    Scrapy's own offsite check compares host names only; replicas served on 127.0.0.1
    differ by port, and a redirect to another host must never be followed. Redirected
    requests pass through downloader middlewares again, so this check covers them too.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StayOnSourceMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        """Raise :class:`IgnoreRequest` for a request outside the spider's ``allowed_netlocs``."""
        # Scrapy 2.13+ no longer passes the spider to middlewares: take it from the crawler.
        spider = spider or self.crawler.spider
        allowed: set[str] = getattr(spider, "allowed_netlocs", set())
        if not allowed:
            return None
        netloc = urlsplit(request.url).netloc.lower()
        if netloc not in allowed:
            self.crawler.stats.inc_value("pantau/offsite_dropped")
            logger.info("offsite: not requesting %s (allowed: %s)", request.url, sorted(allowed))
            raise IgnoreRequest(f"offsite: {netloc} is not one of {sorted(allowed)}")
        return None


class _DisallowAll(RobotParser):
    """The parser used when robots.txt is unreachable: RFC 9309 says assume complete disallow."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> _DisallowAll:
        return cls("unreachable")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


class PantauRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's rules for an unusable robots.txt.

    Scrapy parses whatever body comes back, so a 403 HTML page or a 503 error page would be read
    as "no rules". Here the status decides, and the decision is logged and kept in the stats
    (``pantau/robots/<netloc>``) so an operator sees it in the run's health record:

    * 2xx: the file's rules apply.
    * 4xx ("unavailable", RFC 9309 §2.3.1.3): crawl without restrictions.
    * 5xx or network error ("unreachable", §2.3.1.4): complete disallow for this run, reported as
      ``robots`` errors; the next nightly run asks again. This is the conservative reading: a
      site whose server is failing is not one to crawl harder. ``ROBOTSTXT_5XX_DISALLOW=False``
      switches to treating it like a 4xx.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._disallow_5xx = crawler.settings.getbool("ROBOTSTXT_5XX_DISALLOW", True)

    def _decide(self, netloc: str, decision: str, level: int = logging.INFO) -> None:
        logger.log(level, "robots.txt for %s: %s", netloc, decision)
        self._stats.set_value(f"pantau/robots/{netloc}", decision)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status = response.status
        if 200 <= status < 300:
            self._decide(netloc, f"HTTP {status}: rules apply")
            await super()._parse_robots(response, netloc, request)
            return
        if 400 <= status < 500 or not self._disallow_5xx:
            self._decide(
                netloc,
                f"HTTP {status}: unavailable, crawling without restrictions (RFC 9309 2.3.1.3)",
                logging.WARNING,
            )
            body = b""
            rp: RobotParser = build_from_crawler(self._parserimpl, self.crawler, body)
        else:
            reason = f"HTTP {status}: unreachable, complete disallow this run (RFC 9309 2.3.1.4)"
            self._decide(netloc, reason, logging.ERROR)
            rp = _DisallowAll(reason)
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{status}")
        deferred = self._parsers[netloc]
        self._parsers[netloc] = rp
        deferred.callback(rp)  # type: ignore[union-attr]

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if not isinstance(exc, IgnoreRequest):
            self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        reason = f"{type(exc).__name__}: unreachable, complete disallow this run (RFC 9309 2.3.1.4)"
        self._decide(netloc, reason, logging.ERROR)
        deferred = self._parsers[netloc]
        rp = _DisallowAll(reason)
        self._parsers[netloc] = rp
        deferred.callback(rp)  # type: ignore[union-attr]

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, _DisallowAll):
            self._stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest(f"Forbidden by robots.txt: {rp.reason}")
        super().process_request_2(rp, request)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    Args:
        value: The raw header value, or None.
        now: Reference time for an HTTP-date value (default: the current time).

    Returns:
        Non-negative seconds, or None when absent or unparseable.
    """
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware plus a pause before each retry.

    Scrapy retries immediately; a server that answered 429/503 or timed out needs time. The pause
    is ``Retry-After`` when the server sent one, else ``RETRY_BACKOFF_BASE * 2**attempt`` with
    jitter, capped at ``RETRY_BACKOFF_MAX``. It is awaited inside the middleware so only this
    request waits; the per-host slot is already free, so other sources carry on.
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 300.0)

    def _backoff(self, request: Request) -> float:
        attempt = int(request.meta.get("retry_times", 0))
        delay = min(self.backoff_max, self.backoff_base * (2**attempt))
        return delay * random.uniform(0.5, 1.0)

    async def _pause(self, seconds: float) -> None:
        if seconds > 0:
            # Imported here: importing the reactor at module level would install the default
            # one before Scrapy installs the asyncio reactor named in the settings.
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Retry a retryable status after Retry-After or an exponential back-off."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is not None and wait > self.retry_after_max:
            self.crawler.stats.inc_value("pantau/retry_after_too_long")
            logger.warning(
                "%s: Retry-After %.0fs exceeds RETRY_AFTER_MAX %.0fs; giving up for this run",
                request.url,
                wait,
                self.retry_after_max,
            )
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        delay = wait if wait is not None else self._backoff(request)
        if wait is not None:
            self.crawler.stats.inc_value("pantau/retry_after_honoured")
        await self._pause(delay)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        """Retry a timeout or connection failure after an exponential back-off."""
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await self._pause(self._backoff(request))
        return retry
