"""Scrapy settings for Pantau: polite, offline-safe defaults.

Every value here can only be made gentler per source (see ``sources.toml``).
"""

import os

BOT_NAME = "pantau"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Operators set PANTAU_CONTACT_URL (or pass -s CONTACT_URL=...) so site owners can reach them.
# The User-Agent is built from it when the crawl starts (crawler.spiders.news.user_agent).
CONTACT_URL = os.environ.get("PANTAU_CONTACT_URL", "https://github.com/pantau-id/pantau")
USER_AGENT = f"Pantau/0.1 (+{CONTACT_URL}; public-service news monitoring)"

ROBOTSTXT_OBEY = True
# Protego is Scrapy's default parser; named here so the choice is explicit.
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
# RFC 9309 for an unusable robots.txt (see crawler.middlewares.PantauRobotsTxtMiddleware):
# 4xx -> "unavailable": crawl without restrictions (logged); 5xx or network error ->
# "unreachable": treat as complete disallow for this run (logged, reported as a robots error)
# and ask again next run. Set to False to treat 5xx like 4xx (not recommended).
ROBOTSTXT_5XX_DISALLOW = True

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
# ±50% around DOWNLOAD_DELAY, so requests do not tick like a metronome.
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# Exponential back-off between retries (base * 2**attempt, with jitter, capped); a Retry-After
# header on 429/503 wins when present. A Retry-After above RETRY_AFTER_MAX gives up instead of
# holding the crawl for hours: the URL is recorded as an error and retried next run.
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 300.0
DOWNLOAD_TIMEOUT = 30
# News pages are < 1 MB; anything far larger is an error page, a file or an attack.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

# News needs no session; disabling cookies also keeps Scrapy's cookie middleware (the only
# user of tldextract) from ever fetching the public-suffix list over the network.
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote-control server: never listen for commands.
REMOTE_CONTROL_ENABLED = False
# Keep 4xx/5xx responses reaching the spider so they are recorded with a reason.
HTTPERROR_ALLOW_ALL = True

DOWNLOADER_MIDDLEWARES = {
    # Drops any request (also a redirect target) outside the source's host:port set. It runs
    # before the robots.txt middleware, so not even a robots.txt is fetched from another host.
    "crawler.middlewares.StayOnSourceMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.PantauRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Scrapy 2.19 does not enforce CONCURRENT_REQUESTS_PER_DOMAIN when DOWNLOAD_DELAY is 0;
# see crawler/downloader.py.
DOWNLOADER = "crawler.downloader.PoliteDownloader"
