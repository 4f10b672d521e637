"""The loud health checks over crawl results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.health import assess
from crawler.runner import CrawlResult
from crawler.sources import load_sources

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
MMC = load_sources()["mmckalteng"]  # expected_days = 3


def test_healthy_run_reports_nothing() -> None:
    result = CrawlResult("mmckalteng", article_requests=10, items=10, finish_reason="finished")
    assert assess(result, MMC, NOW - timedelta(days=1), 0.0, NOW) == []


def test_silence_beyond_cadence_is_loud() -> None:
    result = CrawlResult("mmckalteng", finish_reason="finished")
    assert assess(result, MMC, NOW - timedelta(days=2), 0.0, NOW) == []
    [problem] = assess(result, MMC, NOW - timedelta(days=5), 0.0, NOW)
    assert "no new article for 5 days" in problem
    assert assess(result, MMC, None, None, NOW)  # never produced anything


def test_error_rate_jump_and_robots_and_unfinished() -> None:
    result = CrawlResult(
        "mmckalteng",
        article_requests=10,
        items=4,
        errors=6,
        errors_by_kind={"http_500": 6},
        finish_reason="shutdown",
        robots={"mmc.kalteng.go.id": "HTTP 503: unreachable, complete disallow this run"},
    )
    problems = assess(result, MMC, NOW, 0.05, NOW)
    assert any("did not finish (shutdown)" in p for p in problems)
    assert any("complete disallow" in p for p in problems)
    assert any("error rate 60% (usually 5%): http_500=6" in p for p in problems)
    # The same rate is not a jump for a source that is always this bad.
    assert not any("error rate" in p for p in assess(result, MMC, NOW, 0.55, NOW))
