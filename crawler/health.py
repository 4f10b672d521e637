"""Loud health checks over a source's :class:`~crawler.runner.CrawlResult` (pure functions).

The caller keeps the history (``crawl_runs`` in its database) and passes the two facts these
checks need: when the source last produced a new article and its usual error rate.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.runner import CrawlResult
from crawler.sources import Source

# An error rate counts as a jump when it exceeds the usual one by this much (absolute)...
ERROR_RATE_JUMP = 0.2
# ... and is at least this high (a source going from 0 to 1 error in 3 requests is noise).
ERROR_RATE_FLOOR = 0.25


def assess(
    result: CrawlResult,
    source: Source,
    last_new_article_at: datetime | None,
    usual_error_rate: float | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Problems worth a loud report (and a non-zero exit code) for one source's run.

    Args:
        result: This run's record for ``source``.
        source: The configured source (its ``expected_days`` cadence).
        last_new_article_at: When a new article was last stored *before* this run, or None.
        usual_error_rate: The source's typical :attr:`CrawlResult.error_rate`, or None.
        now: The reference time (default: now, UTC).

    Returns:
        One human-readable line per problem; empty when the source is healthy.
    """
    now = now or datetime.now(UTC)
    problems: list[str] = []
    if result.finish_reason != "finished":
        problems.append(f"{source.id}: crawl did not finish ({result.finish_reason or 'unknown'})")
    for host, decision in result.robots.items():
        if "disallow" in decision:
            problems.append(f"{source.id}: robots.txt of {host}: {decision}")
    if result.items == 0:
        silent = now - last_new_article_at if last_new_article_at else None
        if silent is None or silent > timedelta(days=source.expected_days):
            since = f"{silent.days} days" if silent else "ever"
            problems.append(
                f"{source.id}: no new article for {since} (expected at least every "
                f"{source.expected_days} days): check discovery paths and article_pattern"
            )
    rate = result.error_rate
    usual = usual_error_rate or 0.0
    if rate >= ERROR_RATE_FLOOR and rate > usual + ERROR_RATE_JUMP:
        kinds = ", ".join(f"{k}={v}" for k, v in sorted(result.errors_by_kind.items()))
        problems.append(f"{source.id}: error rate {rate:.0%} (usually {usual:.0%}): {kinds}")
    return problems
