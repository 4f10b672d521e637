"""DuckDB store: schema, migrations, safe connections, idempotent batched writes.

DuckDB allows one writing *process* per file (any number of read-only processes may share
it when nobody writes). The nightly job therefore writes through :func:`writer`, a
short-lived connection that waits and retries with a clear message while a researcher or
notebook holds the file, instead of failing and losing the night's data. Readers use
:func:`reader` (``read_only=True``) and should keep their connections short, or work on a
Parquet export (:func:`pipeline.export.export`).

All writes are bulk inserts (rows are staged through one ``read_json`` of a scratch file,
far faster than ``executemany``; see ``benchmarks/bench_store.py``) inside one transaction
per batch, keyed so that rerunning a batch adds nothing.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.migrations import MIGRATIONS

log = logging.getLogger(__name__)

SCHEMA_VERSION: int = max(v for v, _, _ in MIGRATIONS)
DEFAULT_WAIT_SECONDS = 300.0


class DatabaseLockedError(RuntimeError):
    """Another process (or connection in this process) holds the database file."""


class DatabaseMissingError(FileNotFoundError):
    """The database file does not exist (nothing has been stored yet)."""


# --------------------------------------------------------------------------- paths, ids


def default_db_path() -> Path:
    """Return the database path: ``$PANTAU_DB`` or ``./data/pantau.duckdb``.

    Returns:
        The path (not necessarily existing).
    """
    env = os.environ.get("PANTAU_DB")
    return Path(env) if env else Path("data") / "pantau.duckdb"


def article_id(canonical_url: str) -> str:
    """Stable article id: the first 16 hex characters of sha256(canonical URL).

    Args:
        canonical_url: The article's canonical URL.

    Returns:
        A 16-character hexadecimal id, identical across runs and machines.
    """
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


def content_hash(title: str | None, text: str | None) -> str:
    """Hash of what a reader sees (title and text); a change means a new article version."""
    return hashlib.sha256(f"{title or ''}\n{text or ''}".encode()).hexdigest()


def _wait_default(wait_seconds: float | None) -> float:
    if wait_seconds is not None:
        return wait_seconds
    env = os.environ.get("PANTAU_DB_WAIT")
    return float(env) if env else DEFAULT_WAIT_SECONDS


def _is_lock_error(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "lock" in msg or "different configuration" in msg


def _holder_hint(exc: Exception) -> str:
    """Who holds the file, from DuckDB's 'Conflicting lock is held in X (PID n)' message."""
    m = re.search(r"Conflicting lock is held in (.+?\(PID \d+\))", str(exc))
    return f"process {m.group(1)}" if m else str(exc).split("\n")[0]


# --------------------------------------------------------------------------- migrations


def _current_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Apply pending migrations on a read-write connection, each in its own transaction.

    Args:
        con: A read-write connection.
        target: Stop after this version (tests use it to build an old-version file).

    Returns:
        The versions applied (empty when already up to date).

    Raises:
        RuntimeError: If the file was written by a newer Pantau than this one.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    current = _current_version(con)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"Database schema version {current} is newer than this Pantau ({SCHEMA_VERSION}); "
            "upgrade Pantau before writing to it."
        )
    applied = []
    for version, name, sql in MIGRATIONS:
        if version <= current or (target is not None and version > target):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, _now()])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        log.info("applied migration %d (%s)", version, name)
        applied.append(version)
    return applied


# --------------------------------------------------------------------------- connections


def _quiet(con: duckdb.DuckDBPyConnection) -> None:
    """No progress bars (they flood cron logs). In Jupyter without ipywidgets DuckDB refuses
    to change the setting at all, and there is nothing to switch off then."""
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")


@contextmanager
def writer(
    path: str | Path, wait_seconds: float | None = None, *, _migrate_to: int | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a short-lived read-write connection, waiting while someone else holds the file.

    Creates the parent directory and applies pending migrations. If another process holds
    the file (a notebook, a researcher's DuckDB shell), retries with exponential back-off,
    logging who holds it, for up to ``wait_seconds``.

    Args:
        path: Database file.
        wait_seconds: How long to keep retrying; default ``$PANTAU_DB_WAIT`` or 300 s.
        _migrate_to: Tests only: stop migrations at this version.

    Yields:
        The connection; closed on exit.

    Raises:
        DatabaseLockedError: If the file is still held after ``wait_seconds``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = _wait_default(wait_seconds)
    deadline = time.monotonic() + wait
    delay = 0.2
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _is_lock_error(exc):
                raise
            same_process = isinstance(exc, duckdb.ConnectionException)
            remaining = deadline - time.monotonic()
            if same_process or remaining <= 0:
                who = (
                    "another connection in this same process (e.g. an open reader())"
                    if same_process
                    else _holder_hint(exc)
                )
                raise DatabaseLockedError(
                    f"Cannot write {path}: it is held by {who}. Close that connection "
                    "(notebooks: use pipeline.store.reader() in a `with` block, or read the "
                    "Parquet export) and rerun; set PANTAU_DB_WAIT (seconds) to wait longer."
                    f" Waited {wait:.0f} s."
                ) from exc
            log.warning(
                "Database %s is busy (%s); retrying in %.1f s (giving up in %.0f s). "
                "Close notebooks/DuckDB shells holding it, or set PANTAU_DB_WAIT.",
                path,
                _holder_hint(exc),
                min(delay, remaining),
                remaining,
            )
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 10.0)
    try:
        _quiet(con)
        migrate(con, target=_migrate_to)
        yield con
    finally:
        con.close()


@contextmanager
def reader(
    path: str | Path | None = None, wait_seconds: float = 10.0, *, load_fts: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a read-only connection (the way notebooks and researchers should connect).

    Keep it short-lived (``with reader(p) as con: ...``): while any process holds the file,
    the nightly job has to wait. The full-text-search extension is loaded so the
    ``search_articles`` macro works.

    Args:
        path: Database file; default :func:`default_db_path`.
        wait_seconds: Retry this long if the nightly job is writing right now (its write
            transactions are short, so a few seconds usually suffice).
        load_fts: Load the fts extension (needed for ``search_articles``/``match_bm25``).

    Yields:
        A read-only connection; closed on exit.

    Raises:
        DatabaseMissingError: If the file does not exist.
        DatabaseLockedError: If a writer holds the file for longer than ``wait_seconds``.
    """
    path = Path(path) if path is not None else default_db_path()
    if not path.exists():
        raise DatabaseMissingError(
            f"No database at {path}. Create one with `pantau demo` or `pantau run`, or point "
            "PANTAU_DB (or --db) at an existing .duckdb file."
        )
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    while True:
        try:
            con = duckdb.connect(str(path), read_only=True)
            break
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                if _is_lock_error(exc):
                    raise DatabaseLockedError(
                        f"Cannot read {path} right now: {_holder_hint(exc)}. The nightly job "
                        "is probably writing (it takes seconds to minutes); retry shortly, "
                        "or read the Parquet export instead."
                    ) from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
    try:
        _quiet(con)
        version = _current_version(con)
        if version < SCHEMA_VERSION:
            log.warning(
                "%s has schema version %d < %d; run `pantau db migrate` to upgrade it.",
                path,
                version,
                SCHEMA_VERSION,
            )
        if load_fts:
            load_fts_extension(con)
        yield con
    finally:
        con.close()


def load_fts_extension(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's ``fts`` extension, offline first.

    ``duckdb-extension-fts`` ships the binary matching duckdb's version inside the Python
    package; ``LOAD '<file>'`` needs no network and writes nothing to ``~/.duckdb``.
    Falls back to DuckDB's own ``LOAD fts`` (extension directory / autoloading).
    """
    try:
        import duckdb_extension_fts

        ext = (
            Path(duckdb_extension_fts.__file__).parent
            / "extensions"
            / f"v{duckdb.__version__}"
            / "fts.duckdb_extension"
        )
    except ImportError:
        ext = None
    if ext is not None and ext.exists():
        con.execute(f"LOAD '{ext.as_posix()}'")
    else:
        con.execute("LOAD fts")


# --------------------------------------------------------------------------- records


@dataclass
class PageRecord:
    """One raw HTTP fetch (stored zlib-compressed, deduplicated by URL and content hash)."""

    run_id: str
    source: str
    url: str
    canonical_url: str | None
    status: int
    headers: dict[str, Any]
    body: bytes
    fetched_at: str
    aliases: list[str] = field(default_factory=list)
    lastmod: str | None = None


@dataclass
class ArticleRecord:
    """One extracted article; the store computes id, content hash, first/last seen."""

    source: str
    url: str
    canonical_url: str
    title: str | None
    published: str | None
    author: str | None
    location: str | None
    credit: str | None
    text: str | None
    language: str | None
    extractor_version: str | None
    fetched_at: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class TopicRecord:
    """A classifier decision for one article and topic."""

    canonical_url: str
    topic: str
    probability: float
    label: bool
    evidence: list[tuple[str, float]]
    model_version: str
    threshold: float | None = None


@dataclass
class ErrorRecord:
    """A failure at some pipeline stage ('crawl', 'extract', 'classify', 'store')."""

    run_id: str | None
    source: str | None
    url: str | None
    stage: str
    reason: str
    at: str


@dataclass
class Batch:
    """Everything one pipeline step wants stored, written in one transaction."""

    pages: list[PageRecord] = field(default_factory=list)
    articles: list[ArticleRecord] = field(default_factory=list)
    topics: list[TopicRecord] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)


@dataclass
class BatchResult:
    """What :func:`write_batch` did with the batch's articles."""

    new_articles: int = 0
    changed_articles: int = 0
    unchanged_articles: int = 0


# --------------------------------------------------------------------------- helpers


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _ts(value: str | datetime | None) -> datetime | None:
    """Parse an ISO timestamp into a naive UTC datetime (DuckDB TIMESTAMP)."""
    if value is None or value == "":
        return None
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def _json_type(values: list[Any]) -> str:
    kinds = {type(v) for v in values if v is not None}
    if kinds == {bool}:
        return "BOOLEAN"
    if kinds == {int}:
        return "BIGINT"
    if kinds and kinds <= {int, float}:
        return "DOUBLE"
    if kinds == {bytes}:
        return "BLOB"
    return "VARCHAR"


def _json_value(v: Any) -> Any:
    if isinstance(v, bytes):
        return base64.b64encode(v).decode("ascii")
    if isinstance(v, datetime):
        return v.isoformat()
    return v


def _stage(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict[str, Any]]) -> None:
    """Materialise ``rows`` as temp table ``name`` with one bulk read.

    The rows go through a newline-delimited JSON scratch file read by ``read_json`` with
    declared column types: measured ~30x faster than DuckDB's scan of NumPy object arrays
    (which tries ``import pandas`` per value when pandas is absent) and ~10x faster than
    ``executemany``. Blobs travel as base64. The INSERT ... SELECT statements that read
    the temp table cast every column to its table type.
    """
    cols = list(rows[0])
    types = {c: _json_type([r[c] for r in rows]) for c in cols}
    fd, tmp = tempfile.mkstemp(prefix="pantau_stage_", suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({c: _json_value(r[c]) for c in cols}, ensure_ascii=False))
                f.write("\n")
        declared = ", ".join(
            f"'{c}': '{'VARCHAR' if t == 'BLOB' else t}'" for c, t in types.items()
        )
        select = ", ".join(f"from_base64({c}) AS {c}" if types[c] == "BLOB" else c for c in cols)
        path = tmp.replace("'", "''")
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select} FROM read_json('{path}', "
            f"format = 'newline_delimited', columns = {{{declared}}}, "
            "maximum_object_size = 536870912)"
        )
    finally:
        os.unlink(tmp)


def _dedupe_last(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Keep the last row per key (input order), so a batch never conflicts with itself."""
    return list({r[key]: r for r in rows}.values())


# --------------------------------------------------------------------------- writes


def upsert_sources(
    path: str | Path, sources: list[dict[str, Any]], wait_seconds: float | None = None
) -> None:
    """Insert or update the source registry rows.

    Args:
        path: Database file.
        sources: Dicts with keys id, name, base_url, province, region, enabled, expected_days.
    """
    if not sources:
        return
    now = _now()
    rows = _dedupe_last(
        [
            {
                "id": s["id"],
                "name": s.get("name"),
                "base_url": s.get("base_url"),
                "province": s.get("province"),
                "region": s.get("region"),
                "enabled": bool(s.get("enabled", True)),
                "expected_days": s.get("expected_days"),
                "updated_at": now,
            }
            for s in sources
        ],
        "id",
    )
    with writer(path, wait_seconds=_wait_default(wait_seconds)) as con:
        con.execute("BEGIN TRANSACTION")
        _stage(con, "s_sources", rows)
        con.execute(
            """
            INSERT INTO sources
            SELECT id, name, base_url, province, region, CAST(enabled AS BOOLEAN),
                   CAST(expected_days AS INTEGER), CAST(updated_at AS TIMESTAMP)
            FROM s_sources
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, base_url = excluded.base_url,
                province = excluded.province, region = excluded.region,
                enabled = excluded.enabled, expected_days = excluded.expected_days,
                updated_at = excluded.updated_at
            """
        )
        con.execute("COMMIT")


def crawl_state(
    path: str | Path, source_id: str, history: int = 10, wait_seconds: float | None = None
) -> dict[str, Any]:
    """What the crawler already has for a source, so it can skip known articles and resume.

    Never creates the database file.

    Args:
        path: Database file.
        source_id: Source id.
        history: How many finished runs make the "usual" error rate.

    Returns:
        ``known_urls``: canonical URLs of stored articles and fetched pages plus their other
        URL forms (aliases); ``known_lastmod``: latest sitemap lastmod per canonical URL;
        ``caught_up``: the source's last finished run completed (early stops are safe);
        ``last_new_at``: when an article of this source was last stored (or None);
        ``usual_error_rate``: median error rate of its recent runs (or None).
    """
    empty: dict[str, Any] = {
        "known_urls": set(),
        "known_lastmod": {},
        "caught_up": False,
        "last_new_at": None,
        "usual_error_rate": None,
    }
    path = Path(path)
    if not path.exists():
        return empty
    with reader(path, wait_seconds=_wait_default(wait_seconds), load_fts=False) as con:
        version = _current_version(con)
        if version < 1:
            return empty
        known = {
            r[0]
            for r in con.execute(
                "SELECT canonical_url FROM articles WHERE source = ? UNION "
                "SELECT canonical_url FROM pages WHERE source = ? AND canonical_url IS NOT NULL",
                [source_id, source_id],
            ).fetchall()
        }
        last_new = con.execute(
            "SELECT max(first_seen) FROM articles WHERE source = ?", [source_id]
        ).fetchone()[0]
        state = {**empty, "known_urls": known, "last_new_at": last_new}
        if version < 3:
            return state
        for (aliases,) in con.execute(
            "SELECT aliases FROM pages WHERE source = ? AND aliases IS NOT NULL "
            "AND json_array_length(aliases) > 0",
            [source_id],
        ).fetchall():
            known.update(json.loads(aliases))
        state["known_lastmod"] = dict(
            con.execute(
                "SELECT canonical_url, arg_max(lastmod, fetched_at) FROM pages "
                "WHERE source = ? AND lastmod IS NOT NULL GROUP BY canonical_url",
                [source_id],
            ).fetchall()
        )
        last = con.execute(
            "SELECT complete FROM crawl_runs WHERE source_id = ? AND status <> 'running' "
            "ORDER BY started_at DESC LIMIT 1",
            [source_id],
        ).fetchone()
        state["caught_up"] = bool(last and last[0])
        rate = con.execute(
            "SELECT median(errors / article_requests) FROM (SELECT errors, article_requests "
            "FROM crawl_runs WHERE source_id = ? AND status <> 'running' "
            "AND article_requests > 0 ORDER BY started_at DESC LIMIT ?)",
            [source_id, history],
        ).fetchone()[0]
        state["usual_error_rate"] = None if rate is None else float(rate)
    return state


def start_run(path: str | Path, source_ids: list[str], wait_seconds: float | None = None) -> str:
    """Record the start of a crawl run for the given sources.

    Args:
        path: Database file.
        source_ids: Sources crawled in this run.

    Returns:
        The new run id (UTC timestamp plus a random suffix, sortable).
    """
    now = _now()
    run_id = f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    with writer(path, wait_seconds=_wait_default(wait_seconds)) as con:
        con.execute("BEGIN TRANSACTION")
        for sid in source_ids:
            con.execute(
                "INSERT INTO crawl_runs (run_id, source_id, started_at, status) "
                "VALUES (?, ?, ?, 'running') ON CONFLICT DO NOTHING",
                [run_id, sid, now],
            )
        con.execute("COMMIT")
    return run_id


def finish_run(
    path: str | Path,
    run_id: str,
    source_id: str,
    health: dict[str, Any],
    wait_seconds: float | None = None,
) -> None:
    """Record the outcome and health figures of one source in a run.

    Args:
        path: Database file.
        run_id: From :func:`start_run`.
        source_id: Source id.
        health: requests, pages, new_articles, changed_articles, errors, errors_by_kind,
            status_counts, duration_s, finish_reason, status ('ok'|'failed'|'empty'), message,
            complete (bool), article_requests, robots (dict), discovery (list).
    """
    now = _now()
    values = [
        run_id,
        source_id,
        now,
        now,
        health.get("status"),
        health.get("requests"),
        health.get("pages"),
        health.get("new_articles"),
        health.get("changed_articles"),
        health.get("errors"),
        json.dumps(health.get("errors_by_kind") or {}),
        json.dumps({str(k): v for k, v in (health.get("status_counts") or {}).items()}),
        health.get("duration_s"),
        health.get("finish_reason"),
        health.get("message"),
        bool(health.get("complete", False)),
        health.get("article_requests"),
        json.dumps(health.get("robots") or {}),
        json.dumps(list(health.get("discovery") or [])),
    ]
    with writer(path, wait_seconds=_wait_default(wait_seconds)) as con:
        con.execute(
            """
            INSERT INTO crawl_runs (run_id, source_id, started_at, finished_at, status,
                requests, pages, new_articles, changed_articles, errors, errors_by_kind,
                status_counts, duration_s, finish_reason, message, complete,
                article_requests, robots, discovery)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id, source_id) DO UPDATE SET
                complete = excluded.complete, article_requests = excluded.article_requests,
                robots = excluded.robots, discovery = excluded.discovery,
                finished_at = excluded.finished_at, status = excluded.status,
                requests = excluded.requests, pages = excluded.pages,
                new_articles = excluded.new_articles,
                changed_articles = excluded.changed_articles, errors = excluded.errors,
                errors_by_kind = excluded.errors_by_kind,
                status_counts = excluded.status_counts, duration_s = excluded.duration_s,
                finish_reason = excluded.finish_reason, message = excluded.message
            """,
            values,
        )


def _write_pages(con: duckdb.DuckDBPyConnection, pages: list[PageRecord]) -> None:
    keyed = {}
    for p in pages:
        digest = hashlib.sha256(p.body).hexdigest()
        # One row per (URL, content): refetching an unchanged page stores nothing new.
        keyed[hashlib.sha256(f"{p.url}\n{digest}".encode()).hexdigest()[:16]] = (p, digest)
    # Compress only bodies not stored yet (compression dominates the cost of a rerun).
    known = {
        r[0]
        for r in con.execute(
            "SELECT id FROM pages WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(keyed)]
        ).fetchall()
    }
    rows = [
        {
            "id": pid,
            "run_id": p.run_id,
            "source": p.source,
            "url": p.url,
            "canonical_url": p.canonical_url,
            "status": int(p.status),
            "headers": json.dumps({str(k): v for k, v in (p.headers or {}).items()}),
            "body": b"" if pid in known else zlib.compress(p.body, 6),
            "body_size": len(p.body),
            "content_hash": digest,
            "compression": "zlib",
            "fetched_at": _ts(p.fetched_at),
            "aliases": json.dumps(sorted(set(p.aliases or ()))),
            "lastmod": p.lastmod,
        }
        for pid, (p, digest) in keyed.items()
    ]
    _stage(con, "s_pages", rows)
    con.execute(
        """
        INSERT INTO pages (id, run_id, source, url, canonical_url, status, headers, body,
                           body_size, content_hash, compression, fetched_at, last_fetched_at,
                           aliases, lastmod)
        SELECT id, run_id, source, url, canonical_url, CAST(status AS INTEGER),
               CAST(headers AS JSON), CAST(body AS BLOB), CAST(body_size AS BIGINT),
               content_hash, compression, CAST(fetched_at AS TIMESTAMP),
               CAST(fetched_at AS TIMESTAMP), CAST(aliases AS JSON), CAST(lastmod AS VARCHAR)
        FROM s_pages
        ON CONFLICT (id) DO UPDATE SET
            last_fetched_at = greatest(pages.last_fetched_at, excluded.last_fetched_at),
            lastmod = coalesce(excluded.lastmod, pages.lastmod)
        """
    )


def _write_articles(con: duckdb.DuckDBPyConnection, articles: list[ArticleRecord]) -> BatchResult:
    rows = [
        {
            "id": article_id(a.canonical_url),
            "canonical_url": a.canonical_url,
            "url": a.url,
            "source": a.source,
            "title": a.title,
            "published": a.published or None,
            "author": a.author,
            "location": a.location,
            "credit": a.credit,
            "text": a.text,
            "language": a.language,
            "content_hash": content_hash(a.title, a.text),
            "extractor_version": a.extractor_version,
            "fetched_at": _ts(a.fetched_at),
            "extra": json.dumps(a.extra or {}, ensure_ascii=False, default=str),
        }
        for a in articles
    ]
    _stage(con, "s_articles", _dedupe_last(rows, "id"))
    # Classify each staged row against what is stored, once, before changing anything.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE s_diff AS
        SELECT s.*, TRY_CAST(left(s.published, 10) AS DATE) AS published_date,
               CAST(s.fetched_at AS TIMESTAMP) AS fetched_ts,
               CASE WHEN a.id IS NULL THEN 'new'
                    WHEN a.content_hash IS DISTINCT FROM s.content_hash THEN 'changed'
                    ELSE 'unchanged' END AS kind,
               coalesce(a.version, 0) + 1 AS next_version
        FROM s_articles s LEFT JOIN articles a ON a.id = s.id
        """
    )
    counts = dict(con.execute("SELECT kind, count(*) FROM s_diff GROUP BY kind").fetchall())
    con.execute(
        """
        INSERT INTO article_versions
        SELECT id, next_version, content_hash, title, text, published_date,
               extractor_version, fetched_ts
        FROM s_diff WHERE kind IN ('new', 'changed')
        ON CONFLICT DO NOTHING
        """
    )
    con.execute(
        """
        INSERT INTO articles
        SELECT id, canonical_url, url, source, title, published_date, author, location,
               credit, text, language, content_hash, 1, fetched_ts, fetched_ts,
               extractor_version, CAST(extra AS JSON)
        FROM s_diff WHERE kind = 'new'
        """
    )
    con.execute(
        """
        UPDATE articles SET
            url = d.url, title = d.title, published = d.published_date, author = d.author,
            location = d.location, credit = d.credit, text = d.text, language = d.language,
            content_hash = d.content_hash, version = d.next_version,
            extractor_version = d.extractor_version, extra = CAST(d.extra AS JSON),
            last_seen = greatest(articles.last_seen, d.fetched_ts)
        FROM s_diff d WHERE articles.id = d.id AND d.kind = 'changed'
        """
    )
    con.execute(
        """
        UPDATE articles SET last_seen = greatest(articles.last_seen, d.fetched_ts)
        FROM s_diff d WHERE articles.id = d.id AND d.kind = 'unchanged'
        """
    )
    return BatchResult(
        new_articles=int(counts.get("new", 0)),
        changed_articles=int(counts.get("changed", 0)),
        unchanged_articles=int(counts.get("unchanged", 0)),
    )


def _topic_rows(topics: list[TopicRecord]) -> list[dict[str, Any]]:
    now = _now()
    rows = [
        {
            "article_id": article_id(t.canonical_url),
            "topic": t.topic,
            "probability": float(t.probability),
            "label": bool(t.label),
            "evidence": json.dumps([[str(term), float(w)] for term, w in t.evidence]),
            "model_version": t.model_version,
            "classified_at": now,
            "threshold": None if t.threshold is None else float(t.threshold),
            "key": f"{article_id(t.canonical_url)}\n{t.topic}",
        }
        for t in topics
    ]
    return _dedupe_last(rows, "key")


_TOPIC_SELECT = """
    (article_id, topic, probability, label, evidence, model_version, classified_at, threshold)
    SELECT article_id, topic, CAST(probability AS DOUBLE), CAST(label AS BOOLEAN),
           CAST(list_transform(from_json(evidence, '["JSON"]'),
                               x -> {'term': x->>0, 'weight': CAST(x->>1 AS DOUBLE)})
                AS STRUCT(term VARCHAR, weight DOUBLE)[]),
           model_version, CAST(classified_at AS TIMESTAMP), CAST(threshold AS DOUBLE)
    FROM s_topics
"""


def _upsert_staged_topics(con: duckdb.DuckDBPyConnection) -> None:
    """Insert or update ``article_topics`` from the staged ``s_topics`` table."""
    con.execute(
        f"""
        INSERT INTO article_topics {_TOPIC_SELECT}
        ON CONFLICT (article_id, topic) DO UPDATE SET
            probability = excluded.probability, label = excluded.label,
            evidence = excluded.evidence, model_version = excluded.model_version,
            classified_at = excluded.classified_at, threshold = excluded.threshold
        """
    )


def _write_topics(con: duckdb.DuckDBPyConnection, topics: list[TopicRecord]) -> None:
    _stage(con, "s_topics", _topic_rows(topics))
    _upsert_staged_topics(con)


def _write_errors(con: duckdb.DuckDBPyConnection, errors: list[ErrorRecord]) -> None:
    rows = []
    for e in errors:
        key = "\n".join(str(x) for x in (e.run_id, e.source, e.url, e.stage, e.reason, e.at))
        rows.append(
            {
                "id": hashlib.sha256(key.encode()).hexdigest()[:16],
                "run_id": e.run_id,
                "source": e.source,
                "url": e.url,
                "stage": e.stage,
                "reason": e.reason,
                "occurred_at": _ts(e.at),
            }
        )
    _stage(con, "s_errors", _dedupe_last(rows, "id"))
    con.execute(
        "INSERT INTO errors SELECT id, run_id, source, url, stage, reason, "
        "CAST(occurred_at AS TIMESTAMP) FROM s_errors ON CONFLICT DO NOTHING"
    )


def _mark_search_dirty(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "INSERT INTO store_meta VALUES ('search_index_dirty', 'true') "
        "ON CONFLICT (key) DO UPDATE SET value = 'true'"
    )


def write_batch(path: str | Path, batch: Batch, wait_seconds: float | None = None) -> BatchResult:
    """Store a batch in ONE short write transaction with bulk inserts; idempotent.

    Articles are keyed by :func:`article_id` of the canonical URL: a new URL is inserted
    (version 1), a known URL whose title/text changed gets a new ``article_versions`` row
    and its ``articles`` row updated, an unchanged one only has ``last_seen`` moved.
    Pages are keyed by URL and body hash, topics by (article, topic), errors by content,
    so rerunning the same batch adds nothing. Call :func:`rebuild_search_index` after a
    load.

    Args:
        path: Database file (created if missing).
        batch: The records.
        wait_seconds: Lock wait; default ``$PANTAU_DB_WAIT`` or 300 s.

    Returns:
        Counts of new, changed and unchanged articles.
    """
    result = BatchResult()
    if not (batch.pages or batch.articles or batch.topics or batch.errors):
        return result
    with writer(path, wait_seconds) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            if batch.pages:
                _write_pages(con, batch.pages)
            if batch.articles:
                result = _write_articles(con, batch.articles)
            if batch.topics:
                _write_topics(con, batch.topics)
            if batch.errors:
                _write_errors(con, batch.errors)
            if result.new_articles or result.changed_articles:
                _mark_search_dirty(con)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return result


def replace_topics(
    path: str | Path, topics: list[TopicRecord], wait_seconds: float | None = None
) -> None:
    """Replace all topic rows of the given articles (re-classification with a new model).

    Every article mentioned in ``topics`` loses its previous topic rows (so a topic the new
    model no longer scores disappears) and gets the new ones, each tagged with the model
    version that produced it. One transaction.

    Args:
        path: Database file.
        topics: New decisions.
        wait_seconds: Lock wait; default ``$PANTAU_DB_WAIT`` or 300 s.
    """
    if not topics:
        return
    with writer(path, wait_seconds) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            _stage(con, "s_topics", _topic_rows(topics))
            con.execute(
                "DELETE FROM article_topics WHERE article_id IN "
                "(SELECT DISTINCT article_id FROM s_topics) "
                "AND (article_id, topic) NOT IN (SELECT article_id, topic FROM s_topics)"
            )
            _upsert_staged_topics(con)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise


# --------------------------------------------------------------------------- reads


def _iter_keyset(
    path: str | Path, sql: str, batch_size: int, convert: Any
) -> Iterator[list[dict[str, Any]]]:
    """Page through ``sql`` (which must filter ``id > ?`` and order by id) with a fresh
    short read-only connection per page, so the caller may write between pages."""
    path = Path(path)
    if not path.exists():
        return
    last = ""
    while True:
        with reader(path, wait_seconds=_wait_default(None), load_fts=False) as con:
            cur = con.execute(sql, [last, batch_size])
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        if not rows:
            return
        batch = [convert(dict(zip(names, r, strict=True))) for r in rows]
        last = rows[-1][0]
        yield batch
        if len(rows) < batch_size:
            return


def _article_out(d: dict[str, Any]) -> dict[str, Any]:
    if d.get("published") is not None:
        d["published"] = d["published"].isoformat()
    for k in ("first_seen", "last_seen"):
        if d.get(k) is not None:
            d[k] = d[k].isoformat()
    d["extra"] = json.loads(d["extra"]) if d.get("extra") else {}
    return d


def iter_articles(path: str | Path, batch_size: int = 500) -> Iterator[list[dict[str, Any]]]:
    """Yield stored articles in batches of dicts (for re-classification).

    Each batch is read with its own short read-only connection, so the caller can call
    :func:`replace_topics` between batches from the same process.

    Args:
        path: Database file.
        batch_size: Articles per batch.

    Yields:
        Lists of dicts with the ``articles`` columns (dates as ISO strings, extra as dict).
    """
    sql = (
        "SELECT id, canonical_url, url, source, title, published, author, location, credit, "
        "text, language, content_hash, version, first_seen, last_seen, extractor_version, "
        "extra FROM articles WHERE id > ? ORDER BY id LIMIT ?"
    )
    yield from _iter_keyset(path, sql, batch_size, _article_out)


def _page_out(d: dict[str, Any]) -> dict[str, Any]:
    body = d.pop("body")
    d["body"] = zlib.decompress(body) if d.pop("compression") == "zlib" else bytes(body)
    d["headers"] = json.loads(d["headers"]) if d.get("headers") else {}
    d["fetched_at"] = d["fetched_at"].isoformat() if d.get("fetched_at") else None
    return d


def iter_pages(path: str | Path, batch_size: int = 200) -> Iterator[list[dict[str, Any]]]:
    """Yield stored raw pages, decompressed, in batches (for ``pantau reprocess``).

    Args:
        path: Database file.
        batch_size: Pages per batch.

    Yields:
        Lists of dicts with the :class:`PageRecord` fields plus ``id`` and ``content_hash``.
    """
    sql = (
        "SELECT id, run_id, source, url, canonical_url, status, headers, body, compression, "
        "fetched_at, content_hash FROM pages WHERE id > ? ORDER BY id LIMIT ?"
    )
    yield from _iter_keyset(path, sql, batch_size, _page_out)


def source_health(path: str | Path) -> dict[str, dict[str, Any]]:
    """Latest run state per source (``v_latest_run_health``), for ``pantau sources``.

    Args:
        path: Database file; a missing file gives an empty dict.

    Returns:
        By source id: ``status``, ``started_at``, ``new_articles``, ``errors``, ``message``,
        ``articles`` (stored), ``last_new_article_at``, ``days_since_new_article``, ``overdue``.
    """
    if not Path(path).exists():
        return {}
    with reader(path, wait_seconds=_wait_default(None), load_fts=False) as con:
        rows = con.execute(
            "SELECT h.source_id, h.status, h.started_at, h.new_articles, h.errors, h.message, "
            "(SELECT count(*) FROM articles a WHERE a.source = h.source_id) AS articles, "
            "h.last_new_article_at, h.days_since_new_article, h.overdue "
            "FROM v_latest_run_health h"
        ).fetchall()
    keys = (
        "status",
        "started_at",
        "new_articles",
        "errors",
        "message",
        "articles",
        "last_new_article_at",
        "days_since_new_article",
        "overdue",
    )
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}


def stats(path: str | Path) -> dict[str, Any]:
    """Headline counts for ``pantau stats``.

    Args:
        path: Database file.

    Returns:
        ``{"by_source": [(source, n)], "by_topic": [(topic, n labelled)],
        "by_month": [("YYYY-MM", n)], "articles": n}``; zeros if the file is missing.
    """
    empty: dict[str, Any] = {"by_source": [], "by_topic": [], "by_month": [], "articles": 0}
    if not Path(path).exists():
        return empty
    with reader(path, wait_seconds=_wait_default(None), load_fts=False) as con:
        if _current_version(con) < 1:
            return empty
        row = con.execute("SELECT count(*) FROM articles").fetchone()
        return {
            "by_source": con.execute(
                "SELECT source, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1"
            ).fetchall(),
            "by_topic": con.execute(
                "SELECT topic, count(*) FILTER (WHERE label) FROM article_topics "
                "GROUP BY 1 ORDER BY 1"
            ).fetchall(),
            "by_month": con.execute(
                "SELECT strftime(coalesce(published, CAST(first_seen AS DATE)), '%Y-%m') m, "
                "count(*) FROM articles GROUP BY 1 ORDER BY 1"
            ).fetchall(),
            "articles": int(row[0]) if row else 0,
        }


TABLES = (
    "sources",
    "crawl_runs",
    "pages",
    "articles",
    "article_versions",
    "article_topics",
    "errors",
)


def db_info(path: str | Path) -> dict[str, Any]:
    """Schema version, row count per table and search-index state (for ``pantau db info``).

    Args:
        path: Database file.

    Returns:
        ``{"schema_version", "size_mb", "tables": {name: rows}, "search_index"}``.
    """
    path = Path(path)
    with reader(path, load_fts=False) as con:
        version = _current_version(con)
        present = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        tables = {}
        for t in TABLES:
            if t in present:
                row = con.execute(f"SELECT count(*) FROM {t}").fetchone()
                tables[t] = int(row[0]) if row else 0
        meta: dict[str, str] = {}
        if "store_meta" in present:
            meta = dict(con.execute("SELECT key, value FROM store_meta").fetchall())
    if "search_index_built_at" not in meta:
        index = "not built"
    else:
        stale = (
            " (stale: rebuild with `pantau db index`)"
            if meta.get("search_index_dirty") == "true"
            else ""
        )
        index = f"built {meta['search_index_built_at']}{stale}"
    return {
        "schema_version": version,
        "size_mb": path.stat().st_size / 1e6,
        "tables": tables,
        "search_index": index,
    }


def rebuild_search_index(path: str | Path, wait_seconds: float | None = None) -> None:
    """Rebuild the BM25 full-text index; see :func:`pipeline.search.rebuild_search_index`."""
    from pipeline.search import rebuild_search_index as _rebuild

    _rebuild(path, wait_seconds)


def search(
    path: str | Path,
    query: str,
    topic: str | None = None,
    source: str | None = None,
    since: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """BM25 search over title and text; see :func:`pipeline.search.search`."""
    from pipeline.search import search as _search

    return _search(path, query, topic=topic, source=source, since=since, limit=limit)


def export(
    path: str | Path,
    out: str | Path,
    fmt: str,
    topic: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> int:
    """Export labelled articles to Parquet or CSV; see :func:`pipeline.export.export`."""
    from pipeline.export import export as _export

    return _export(path, out, fmt, topic=topic, source=source, since=since, until=until)


__all__ = [
    "SCHEMA_VERSION",
    "ArticleRecord",
    "Batch",
    "BatchResult",
    "DatabaseLockedError",
    "DatabaseMissingError",
    "ErrorRecord",
    "PageRecord",
    "TopicRecord",
    "article_id",
    "crawl_state",
    "db_info",
    "default_db_path",
    "export",
    "finish_run",
    "iter_articles",
    "iter_pages",
    "migrate",
    "reader",
    "rebuild_search_index",
    "replace_topics",
    "search",
    "start_run",
    "stats",
    "upsert_sources",
    "write_batch",
]
