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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from crawler.health import assess
from crawler.runner import CrawlJob, CrawlResult, run_crawl
from crawler.sources import Source, load_sources
from pipeline import store
from pipeline.classify import load_model
from pipeline.cli.codes import EXIT_OK, EXIT_SOURCE_PROBLEM
from pipeline.extract import EXTRACTOR_VERSION, Extracted, extract

logger = logging.getLogger("pantau")


# Settings for crawling replicas on 127.0.0.1: no politeness delays needed against ourselves.
LOCAL_REPLICA_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY_JITTER": 0,
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


# Extracted fields that have their own ``articles`` column; the rest goes to ``extra``.
_ARTICLE_COLUMNS = frozenset(
    {
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
)


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
            # Same bucket as crawler.runner's health record (every crawler error has a kind).
            rep.errors_by_kind[str(item.get("error_kind", "other"))] += 1
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
                aliases=list(item.get("aliases") or ()),
                lastmod=item.get("lastmod"),
            )
        )
        try:
            result = extract(item["body"], url=item["url"])
        except Exception as exc:  # a bug or a pathological page: record it, keep the batch
            logger.exception("extraction crashed on %s", item["url"])
            result = Extracted(
                url=item["url"], error=f"extractor crashed: {type(exc).__name__}: {exc}"
            )
        if result.error or not result.is_article:
            rep.not_articles += 1
            reason = result.error or "not an article (listing, gallery or too little text)"
            batch.errors.append(
                store.ErrorRecord(run_id, item["source"], item["url"], "extract", reason, now)
            )
            continue
        data = result.to_dict()
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
                    k: v
                    for k, v in data.items()
                    if k not in _ARTICLE_COLUMNS and v not in (None, "", [], {})
                },
            )
        )
    try:
        batch.topics = classify_articles(batch.articles)
    except Exception as exc:
        # Store the articles anyway; `pantau classify --db PATH --relabel` labels them later.
        logger.exception("classification failed for a batch of %d articles", len(batch.articles))
        batch.errors += [
            store.ErrorRecord(
                run_id, a.source, a.url, "classify", f"{type(exc).__name__}: {exc}", now
            )
            for a in batch.articles
        ]
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
                    threshold=float(model.thresholds[topic]),
                )
            )
    return topics


def _judge(
    rep: SourceReport, crawl: CrawlResult | None, source: Source, state: dict[str, Any]
) -> None:
    """Set a source's status from the crawler's health checks: problems are loud.

    ``failed``: the crawl did not finish or robots.txt could not be read; ``empty``: nothing
    new for longer than the source's cadence (or ever), or an error-rate jump.
    """
    if crawl is None:
        rep.status, rep.message = "failed", "crawl did not start"
        return
    last_new = state.get("last_new_at")
    if isinstance(last_new, datetime) and last_new.tzinfo is None:
        last_new = last_new.replace(tzinfo=UTC)
    # New or changed articles stored in this run count, whatever the crawl's item count.
    crawl_view = replace(crawl, items=crawl.items or rep.new_articles + rep.changed_articles)
    problems = assess(crawl_view, source, last_new, state.get("usual_error_rate"))
    if crawl.capped:
        rep.message = (
            f"max_articles_per_run ({source.max_articles_per_run}) reached; "
            "the rest follows in the next run"
        )
    if not problems:
        return
    not_finished = crawl.finish_reason != "finished"
    robots_blocked = any("disallow" in d or "unreachable" in d for d in crawl.robots.values())
    rep.status = "failed" if not_finished or robots_blocked else "empty"
    if rep.status == "failed":
        # The site could not be crawled at all: "no new article" would only add noise.
        problems = [p for p in problems if "no new article" not in p] or problems
    rep.message = "; ".join(p.split(": ", 1)[-1] for p in problems)


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
        wait_seconds=wait_seconds,
    )
    states = {s.id: store.crawl_state(db, s.id, wait_seconds=wait_seconds) for s in sources}
    run_id = store.start_run(db, [s.id for s in sources], wait_seconds=wait_seconds)
    report = {s.id: SourceReport(s.id) for s in sources}
    buffer: list[dict[str, Any]] = []
    started = time.monotonic()

    locked: list[store.DatabaseLockedError] = []

    def flush() -> None:
        if not buffer or locked:
            # After a lock timeout nothing more is written this run; what is not stored is
            # fetched again next run (the database is the frontier), so nothing is lost.
            buffer.clear()
            return
        items = list(buffer)
        buffer.clear()
        batch = build_batch(items, run_id, report)
        try:
            _store(db, batch, report, wait_seconds)
        except store.DatabaseLockedError as exc:
            logger.error("cannot store a batch of %d pages: %s", len(items), exc)
            locked.append(exc)

    mirrors = {s.id: s.base_url for s in sources if s.base_url != home[s.id]}

    def on_item(item: dict[str, Any]) -> None:
        if item["source"] in mirrors:
            old, new = mirrors[item["source"]], home[item["source"]]
            for key in ("url", "canonical_url"):
                if item.get(key):
                    item[key] = _rebase(item[key], old, new)
            if item.get("aliases"):
                item["aliases"] = [_rebase(u, old, new) for u in item["aliases"]]
        buffer.append(item)
        if len(buffer) >= batch_size:
            flush()

    jobs = [
        CrawlJob(
            source=s,
            known_urls={_rebase(u, home[s.id], s.base_url) for u in states[s.id]["known_urls"]},
            known_lastmod={
                _rebase(u, home[s.id], s.base_url): m
                for u, m in states[s.id]["known_lastmod"].items()
            },
            caught_up=states[s.id]["caught_up"],
        )
        for s in sources
    ]
    crawls = run_crawl(jobs, on_item, settings=settings)
    flush()
    if locked:
        raise locked[0]
    elapsed = time.monotonic() - started
    for s in sources:
        rep = report[s.id]
        crawl = crawls.get(s.id)
        rep.duration_s = elapsed
        if crawl is not None:
            rep.requests = crawl.requests
            rep.status_counts = dict(crawl.status_counts)
            rep.duration_s = crawl.duration_s or elapsed
            for kind, n in crawl.errors_by_kind.items():
                # Errors that never became items (e.g. a spider that could not start).
                rep.errors_by_kind[kind] = max(rep.errors_by_kind[kind], n)
            rep.errors = max(rep.errors, crawl.errors)
        _judge(rep, crawl, s, states[s.id])
        health = rep.health()
        if crawl is not None:
            health.update(
                finish_reason=crawl.finish_reason,
                complete=crawl.complete,
                article_requests=crawl.article_requests,
                robots=crawl.robots,
                discovery=crawl.discovery,
            )
        store.finish_run(db, run_id, s.id, health, wait_seconds=wait_seconds)
        level = logging.INFO if rep.status == "ok" else logging.ERROR
        logger.log(level, "%s: %s %s", s.id, rep.status, rep.message)
    store.rebuild_search_index(db, wait_seconds=wait_seconds)
    return [report[s.id] for s in sources]


def _store(
    db: str | Path, batch: store.Batch, report: dict[str, SourceReport], wait_seconds: float
) -> None:
    """Write a batch and add its new/changed article counts to each source's report."""
    for sid, (new, changed) in _write_per_source(db, batch, wait_seconds).items():
        report[sid].new_articles += new
        report[sid].changed_articles += changed


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


def reprocess(
    db: str | Path, *, wait_seconds: float = 300.0, batch_size: int = 100
) -> dict[str, int]:
    """Re-extract and re-classify every stored raw page, without touching the network.

    Pages are replayed oldest first, so each article ends at its latest fetched version; an
    unchanged extraction adds nothing, a changed one becomes a new article version.

    Returns:
        Counts: pages, new_articles, changed_articles, not_articles.
    """
    run_id = "reprocess-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    report: dict[str, SourceReport] = {}
    for pages in store.iter_pages(db, batch_size=batch_size):
        for page in pages:
            report.setdefault(page["source"], SourceReport(page["source"]))
        batch = build_batch([{**p, "kind": "page"} for p in pages], run_id, report)
        batch.pages = []  # the raw pages are already stored
        _store(db, batch, report, wait_seconds)
    store.rebuild_search_index(db, wait_seconds=wait_seconds)
    reps = report.values()
    return {
        "pages": sum(r.pages for r in reps),
        "new_articles": sum(r.new_articles for r in reps),
        "changed_articles": sum(r.changed_articles for r in reps),
        "not_articles": sum(r.not_articles for r in reps),
    }
