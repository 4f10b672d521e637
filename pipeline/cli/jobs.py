"""The wiring between crawler and pipeline: crawl sources, then extract, classify and store.

Everything here is orchestration: the work is done by ``crawler.runner`` (fetching),
``pipeline.extract``, ``pipeline.classify`` and ``pipeline.store``. Pages are processed in
small batches while the crawl runs, and each batch is written in one short transaction, so
the database file is never held open across the crawl and a killed run loses at most the
batch in flight (which the next run fetches again, since the database is the frontier).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from crawler.runner import CrawlJob, CrawlResult, run_crawl
from crawler.sources import Source, load_sources
from pipeline import store
from pipeline.classify import load_model
from pipeline.extract import EXTRACTOR_VERSION, extract

logger = logging.getLogger("pantau")

# Exit codes that cron (and the operator's mail) can tell apart.
EXIT_OK = 0
EXIT_SOURCE_PROBLEM = 1  # at least one source failed or was silent too long; the others ran
EXIT_USAGE = 2  # bad arguments or configuration
EXIT_DB_LOCKED = 3  # the database stayed locked by another process past the wait time

# Settings for crawling replicas on 127.0.0.1: no politeness delays needed against ourselves.
LOCAL_REPLICA_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RANDOMIZE_DOWNLOAD_DELAY": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "LOG_LEVEL": "WARNING",
}


@dataclass
class SourceReport:
    """One line of a run's summary."""

    source_id: str
    status: str = "ok"  # ok | empty | failed
    requests: int = 0
    pages: int = 0
    new_articles: int = 0
    changed_articles: int = 0
    not_articles: int = 0
    errors: int = 0
    errors_by_kind: Counter[str] = field(default_factory=Counter)
    status_counts: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0
    message: str = ""

    def health(self) -> dict[str, Any]:
        """The ``crawl_runs`` record for this source."""
        return {
            "requests": self.requests,
            "pages": self.pages,
            "new_articles": self.new_articles,
            "changed_articles": self.changed_articles,
            "errors": self.errors,
            "errors_by_kind": dict(self.errors_by_kind),
            "status_counts": self.status_counts,
            "duration_s": round(self.duration_s, 3),
            "finish_reason": "",
            "status": self.status,
            "message": self.message,
        }


def _error_kind(reason: str) -> str:
    """Short bucket of an error reason for the health histogram (e.g. 'HTTP 404', 'TimeoutError')."""
    head = reason.split(":", 1)[0].strip()
    return " ".join(head.split()[:2]) if head.startswith("HTTP") else head


def build_batch(
    items: Sequence[dict[str, Any]], run_id: str, report: dict[str, SourceReport]
) -> store.Batch:
    """Turn crawled items into a storable batch: extract, classify, keep raw pages and errors."""
    batch = store.Batch()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for item in items:
        rep = report[item["source"]]
        if item.get("kind") == "error":
            rep.errors += 1
            rep.errors_by_kind[_error_kind(item["reason"])] += 1
            batch.errors.append(
                store.ErrorRecord(
                    run_id,
                    item["source"],
                    item["url"],
                    item.get("stage", "crawl"),
                    item["reason"],
                    now,
                )
            )
            continue
        rep.pages += 1
        batch.pages.append(
            store.PageRecord(
                run_id=run_id,
                source=item["source"],
                url=item["url"],
                canonical_url=item["canonical_url"],
                status=item["status"],
                headers=item.get("headers", {}),
                body=item["body"],
                fetched_at=item["fetched_at"],
            )
        )
        result = extract(item["body"], url=item["url"])
        if result.error or not result.is_article:
            rep.not_articles += 1
            reason = result.error or "not an article (listing, gallery or too little text)"
            batch.errors.append(
                store.ErrorRecord(run_id, item["source"], item["url"], "extract", reason, now)
            )
            continue
        data = result.to_dict()
        known = {
            "title",
            "date",
            "author",
            "text",
            "language",
            "location",
            "credit",
            "url",
            "error",
            "is_article",
        }
        batch.articles.append(
            store.ArticleRecord(
                source=item["source"],
                url=item["url"],
                canonical_url=item["canonical_url"],
                title=result.title,
                published=result.date,
                author=result.author,
                location=result.location,
                credit=result.credit,
                text=result.text,
                language=result.language,
                extractor_version=EXTRACTOR_VERSION,
                fetched_at=item["fetched_at"],
                extra={
                    k: v for k, v in data.items() if k not in known and v not in (None, "", [], {})
                },
            )
        )
    batch.topics = classify_articles(batch.articles)
    return batch


def classify_articles(articles: Sequence[store.ArticleRecord]) -> list[store.TopicRecord]:
    """Topic records (probability, decision, evidence) for each article of a batch."""
    if not articles:
        return []
    model = load_model()
    predictions = model.predict([{"title": a.title or "", "text": a.text} for a in articles])
    topics: list[store.TopicRecord] = []
    for article, pred in zip(articles, predictions, strict=True):
        for topic, score in pred.scores.items():
            topics.append(
                store.TopicRecord(
                    canonical_url=article.canonical_url,
                    topic=topic,
                    probability=float(score),
                    label=topic in pred.labels,
                    evidence=[(t, float(w)) for t, w in pred.evidence.get(topic, [])],
                    model_version=model.version,
                )
            )
    return topics


def _judge(
    rep: SourceReport, crawl: CrawlResult | None, source: Source, state: dict[str, Any]
) -> None:
    """Set a source's status: failed crawls and long silences are loud."""
    if crawl is None or crawl.finish_reason not in ("finished", ""):
        rep.status = "failed"
        rep.message = f"crawl ended: {crawl.finish_reason if crawl else 'did not start'}"
        return
    discovery_ok = crawl.requests > rep.errors and sum(
        n for code, n in crawl.status_counts.items() if code.startswith("2")
    )
    if not discovery_ok:
        rep.status = "failed"
        rep.message = "no page could be fetched (see errors)"
        return
    if rep.new_articles or rep.changed_articles:
        return
    known = len(state.get("known_urls", ()))
    last_new = state.get("last_new_at")
    if not known:
        rep.status = "empty"
        rep.message = (
            "zero articles collected and none stored before: check the source's URL patterns"
        )
        return
    if last_new is not None:
        last = datetime.fromisoformat(str(last_new))
        if last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        if datetime.now(UTC) - last > timedelta(days=source.expected_days):
            rep.status = "empty"
            rep.message = (
                f"no new article for more than {source.expected_days} days (expected cadence)"
            )


def _rebase(url: str, old: str, new: str) -> str:
    """``url`` on base ``old`` moved to base ``new`` (scheme and host[:port] only)."""
    o, n = urlsplit(old), urlsplit(new)
    u = urlsplit(url)
    if (u.scheme, u.netloc.lower()) != (o.scheme, o.netloc.lower()):
        return url
    return urlunsplit((n.scheme, n.netloc, u.path, u.query, u.fragment))


def run_sources(
    sources: Iterable[Source],
    db: str | Path,
    *,
    settings: dict[str, Any] | None = None,
    batch_size: int = 25,
    wait_seconds: float = 300.0,
) -> list[SourceReport]:
    """Crawl ``sources`` and store what is new; one :class:`SourceReport` per source.

    Args:
        sources: The sources to crawl (already pointed at their base URLs).
        db: DuckDB file to write.
        settings: Scrapy setting overrides.
        batch_size: Pages per extract/classify/write batch.
        wait_seconds: How long a write waits for another process's lock.

    Raises:
        store.DatabaseLockedError: When the database stayed locked past ``wait_seconds``.
    """
    sources = list(sources)
    # A source crawled through a mirror or replica (--base-url) holds the same articles as
    # the live site: store them under the site's own URLs, so article ids stay stable
    # whatever mirror (or free port) a run used, and a rerun finds them already known.
    registry = load_sources()
    home = {s.id: registry[s.id].base_url if s.id in registry else s.base_url for s in sources}
    store.upsert_sources(
        db,
        [
            {
                "id": s.id,
                "name": s.name,
                "base_url": home[s.id],
                "province": s.province,
                "region": s.region,
                "enabled": s.enabled,
                "expected_days": s.expected_days,
            }
            for s in sources
        ],
    )
    states = {s.id: store.crawl_state(db, s.id) for s in sources}
    run_id = store.start_run(db, [s.id for s in sources])
    report = {s.id: SourceReport(s.id) for s in sources}
    buffer: list[dict[str, Any]] = []
    started = time.monotonic()

    def flush() -> None:
        if not buffer:
            return
        items = list(buffer)
        buffer.clear()
        batch = build_batch(items, run_id, report)
        result_by_source = _write_per_source(db, batch, wait_seconds)
        for sid, (new, changed) in result_by_source.items():
            report[sid].new_articles += new
            report[sid].changed_articles += changed

    mirrors = {s.id: s.base_url for s in sources if s.base_url != home[s.id]}

    def on_item(item: dict[str, Any]) -> None:
        if item["source"] in mirrors:
            for key in ("url", "canonical_url"):
                if item.get(key):
                    item[key] = _rebase(item[key], mirrors[item["source"]], home[item["source"]])
        buffer.append(item)
        if len(buffer) >= batch_size:
            flush()

    jobs = [
        CrawlJob(
            source=s,
            known_urls={
                _rebase(u, home[s.id], s.base_url) for u in states[s.id].get("known_urls", ())
            },
        )
        for s in sources
    ]
    crawls = run_crawl(jobs, on_item, settings=settings)
    flush()
    elapsed = time.monotonic() - started
    for s in sources:
        rep = report[s.id]
        crawl = crawls.get(s.id)
        if crawl is not None:
            rep.requests = crawl.requests
            rep.status_counts = dict(crawl.status_counts)
        rep.duration_s = elapsed
        _judge(rep, crawl, s, states[s.id])
        health = rep.health()
        health["finish_reason"] = crawl.finish_reason if crawl else ""
        store.finish_run(db, run_id, s.id, health)
        level = logging.INFO if rep.status == "ok" else logging.ERROR
        logger.log(level, "%s: %s %s", s.id, rep.status, rep.message)
    store.rebuild_search_index(db)
    return [report[s.id] for s in sources]


def _write_per_source(
    db: str | Path, batch: store.Batch, wait_seconds: float
) -> dict[str, tuple[int, int]]:
    """Write a batch; count new/changed articles per source (one transaction per source present)."""
    by_source: dict[str, store.Batch] = {}
    for attr in ("pages", "articles", "errors"):
        for rec in getattr(batch, attr):
            getattr(by_source.setdefault(rec.source, store.Batch()), attr).append(rec)
    url_source = {a.canonical_url: a.source for a in batch.articles}
    for topic in batch.topics:
        by_source[url_source[topic.canonical_url]].topics.append(topic)
    out: dict[str, tuple[int, int]] = {}
    for sid, part in by_source.items():
        res = store.write_batch(db, part, wait_seconds=wait_seconds)
        out[sid] = (res.new_articles, res.changed_articles)
    return out


def exit_code(reports: Sequence[SourceReport]) -> int:
    """0 when every source worked; 1 when any failed or was silent too long."""
    return EXIT_OK if all(r.status == "ok" for r in reports) else EXIT_SOURCE_PROBLEM
