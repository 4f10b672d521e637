"""Core commands: demo, run, crawl, sources, classify, stats."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table

from pipeline.cli.codes import EXIT_DB_LOCKED, EXIT_USAGE

if TYPE_CHECKING:
    from crawler.sources import Source
    from pipeline.cli.jobs import SourceReport

# Heavy modules (Scrapy, scikit-learn, DuckDB) are imported inside the commands so that
# `pantau --help` and shell completion stay fast.

err = Console(stderr=True)
out = Console()

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="DuckDB file (default: $PANTAU_DB or data/pantau.duckdb).", show_default=False
    ),
]
WaitOption = Annotated[
    float,
    typer.Option(
        "--wait",
        help="Seconds to wait for a database locked by another process.",
        envvar="PANTAU_DB_WAIT",
    ),
]

DEMO_DB = Path("data/demo.duckdb")

EXAMPLE_QUERIES = [
    (
        "Articles per topic and source",
        "SELECT source, topic, count(*) AS n FROM article_topics t JOIN articles a ON a.id = t.article_id\n"
        "WHERE t.label GROUP BY ALL ORDER BY n DESC;",
    ),
    (
        "Latest pungli stories with their evidence terms",
        "SELECT a.published, a.title, t.probability, t.evidence FROM articles a\n"
        "JOIN article_topics t ON t.article_id = a.id WHERE t.topic = 'pungli' AND t.label\n"
        "ORDER BY a.published DESC LIMIT 10;",
    ),
    (
        "Articles per month",
        "SELECT strftime(published, '%Y-%m') AS month, count(*) FROM articles GROUP BY ALL ORDER BY month;",
    ),
]


def setup_logging(verbose: bool) -> None:
    """Human-readable logs on stderr; stdout stays for data."""
    handler = RichHandler(console=err, show_path=False, rich_tracebacks=False)
    if not verbose:
        # Scrapy logs through the root logger and resets its own levels when a crawl
        # starts; filter at the handler so only Pantau's lines and real warnings show.
        handler.addFilter(lambda r: r.name.startswith("pantau") or r.levelno >= logging.WARNING)
    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=[handler], force=True)


def _db(path: Path | None) -> Path:
    from pipeline import store

    return path if path is not None else store.default_db_path()


def _print_reports(reports: list[SourceReport]) -> None:
    table = Table(title="Crawl summary", show_lines=False)
    for col in ("source", "status", "requests", "pages", "new", "changed", "errors", "message"):
        table.add_column(
            col,
            justify="right" if col in ("requests", "pages", "new", "changed", "errors") else "left",
        )
    for r in reports:
        style = "green" if r.status == "ok" else "bold red"
        table.add_row(
            r.source_id,
            f"[{style}]{r.status}[/]",
            str(r.requests),
            str(r.pages),
            str(r.new_articles),
            str(r.changed_articles),
            str(r.errors),
            r.message,
        )
    err.print(table)
    # One plain line per source too, for cron mail and log files.
    for r in reports:
        print(
            f"{r.source_id}: {r.status} requests={r.requests} pages={r.pages} new={r.new_articles} "
            f"changed={r.changed_articles} errors={r.errors}"
            + (f" ({r.message})" if r.message else "")
        )


def _run(sources: list[Source], db: Path, wait: float, settings: dict | None = None) -> int:
    from pipeline import store
    from pipeline.cli import jobs

    try:
        reports = jobs.run_sources(sources, db, settings=settings, wait_seconds=wait)
    except store.DatabaseLockedError as exc:
        err.print(f"[bold red]database locked:[/] {exc}")
        return EXIT_DB_LOCKED
    _print_reports(reports)
    return jobs.exit_code(reports)


def print_stats(db: Path) -> dict:
    """Print counts by source, topic and month; return them."""
    from pipeline import store

    data = store.stats(db)
    for key, title in (("by_source", "source"), ("by_topic", "topic"), ("by_month", "month")):
        table = Table(title=f"Articles by {title}")
        table.add_column(title)
        table.add_column("articles", justify="right")
        for name, n in data[key]:
            table.add_row(str(name), str(n))
        out.print(table)
    out.print(f"Total articles: {data['articles']}")
    return data


def demo(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file for the demo.")] = DEMO_DB,
    wait: WaitOption = 60.0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show crawl logs.")] = False,
) -> None:
    """Run the whole pipeline offline on bundled replica sites served on 127.0.0.1.

    Crawls the replicas with the real spiders, extracts, classifies and stores into DB,
    then prints a summary and example SQL. Running it again adds no duplicates.

    Example: pantau demo --db data/demo.duckdb
    """
    from crawler.sources import load_sources
    from pipeline.cli import jobs
    from pipeline.demo.server import serve_demo_sites

    setup_logging(verbose)
    registry = load_sources()
    with serve_demo_sites() as running:
        sources = [registry[sid].with_base_url(url) for sid, url in running.base_urls.items()]
        err.print(
            f"Serving demo replicas: {', '.join(f'{k} at {v}' for k, v in running.base_urls.items())}"
        )
        code = _run(sources, db, wait, settings=jobs.LOCAL_REPLICA_SETTINGS)
    print_stats(db)
    out.print(
        f"\nThe database is {db}. Try it with DuckDB's Python API or CLI (read-only while a job runs):"
    )
    for title, sql in EXAMPLE_QUERIES:
        print(f"\n-- {title}\n{sql}")
    raise typer.Exit(code)


def run(
    db: DbOption = None,
    wait: WaitOption = 300.0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show crawl logs.")] = False,
) -> None:
    """The nightly job: crawl every enabled source and store what is new.

    Exit code 0 only if every source worked; 1 if a source failed or was silent longer than
    its expected cadence; 3 if the database stayed locked.

    Example: pantau run --db /srv/pantau/pantau.duckdb
    """
    from crawler.sources import load_sources

    setup_logging(verbose)
    sources = [s for s in load_sources().values() if s.enabled]
    raise typer.Exit(_run(sources, _db(db), wait))


def crawl(
    source: Annotated[list[str], typer.Option("--source", "-s", help="Source id (repeatable).")],
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url", help="Crawl a mirror or replica of the (single) source instead."
        ),
    ] = None,
    db: DbOption = None,
    wait: WaitOption = 300.0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show crawl logs.")] = False,
) -> None:
    """Crawl one or more sources and store what is new.

    With --base-url on this machine (127.0.0.1, localhost) politeness delays are off.

    Example: pantau crawl --source mmckalteng --base-url http://127.0.0.1:8000
    """
    from crawler.sources import SourceConfigError, load_sources

    setup_logging(verbose)
    registry = load_sources()
    unknown = [s for s in source if s not in registry]
    if unknown:
        err.print(f"[red]unknown source(s): {', '.join(unknown)}[/]; see `pantau sources`")
        raise typer.Exit(EXIT_USAGE)
    if base_url and len(source) != 1:
        err.print("[red]--base-url needs exactly one --source[/]")
        raise typer.Exit(EXIT_USAGE)
    try:
        sources = [registry[s].with_base_url(base_url) if base_url else registry[s] for s in source]
    except SourceConfigError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(EXIT_USAGE) from None
    settings = None
    if base_url and _is_loopback(base_url):
        # A replica on this machine: politeness delays protect nobody, so crawl at full speed.
        from pipeline.cli.jobs import LOCAL_REPLICA_SETTINGS

        settings = LOCAL_REPLICA_SETTINGS
    raise typer.Exit(_run(sources, _db(db), wait, settings=settings))


def _is_loopback(url: str) -> bool:
    import ipaddress
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sources(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per source.")] = False,
) -> None:
    """List the configured sources and what the database holds for each.

    Example: pantau sources --db data/demo.duckdb
    """
    from crawler.sources import load_sources
    from pipeline import store

    registry = load_sources()
    path = _db(db)
    health = store.source_health(path)
    if as_json:
        for s in registry.values():
            h = health.get(s.id, {})
            row = {
                "id": s.id,
                "name": s.name,
                "base_url": s.base_url,
                "province": s.province,
                "region": s.region,
                "enabled": s.enabled,
                "expected_days": s.expected_days,
                "articles": h.get("articles", 0),
                "last_status": h.get("status"),
                "last_run": str(h["started_at"]) if h.get("started_at") else None,
                "days_since_new_article": h.get("days_since_new_article"),
                "overdue": h.get("overdue"),
            }
            print(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title=f"Sources ({path})")
    for col in (
        "id",
        "outlet",
        "province",
        "on",
        "articles",
        "last run",
        "status",
        "days since new",
    ):
        table.add_column(col)
    for s in registry.values():
        h = health.get(s.id, {})
        status = h.get("status") or "-"
        style = "green" if status == "ok" else ("bold red" if status in ("failed", "empty") else "")
        table.add_row(
            s.id,
            s.name.split(" — ")[0],
            s.province,
            "yes" if s.enabled else "no",
            str(h.get("articles", 0)),
            f"{h['started_at']:%Y-%m-%d %H:%M}" if h.get("started_at") else "never",
            f"[{style}]{status}[/]" if style else status,
            "-" if h.get("days_since_new_article") is None else str(h["days_since_new_article"]),
        )
    out.print(table)


def classify(
    jsonl: Annotated[
        str | None, typer.Option("--jsonl", help="JSON lines with id, title, text ('-' = stdin).")
    ] = None,
    db: DbOption = None,
    relabel: Annotated[
        bool,
        typer.Option(
            "--relabel", help="With --db: re-label every stored article with the installed model."
        ),
    ] = False,
    wait: WaitOption = 300.0,
) -> None:
    """Classify articles by topic (kerja_sama, pungli, digitalisasi).

    Reads JSON lines with id, title, text; writes JSON lines with id, scores (probability
    per topic), labels (topics that apply) and evidence (top terms per topic).
    With --db --relabel, re-labels the stored articles and records the model version.

    Example: echo '{"id": 1, "title": "OTT KPK", "text": "..."}' | pantau classify --jsonl -
    """
    from pipeline import store
    from pipeline.classify import load_model
    from pipeline.cli import jobs

    model = load_model()
    if relabel:
        path = _db(db)
        n = 0
        for batch in store.iter_articles(path):
            topics = jobs.classify_articles(
                [
                    store.ArticleRecord(
                        **{k: a.get(k) for k in store.ArticleRecord.__dataclass_fields__}
                    )
                    for a in batch
                ]
            )
            store.replace_topics(path, topics, wait_seconds=wait)
            n += len(batch)
        err.print(f"re-labelled {n} articles with model {model.version}")
        return
    if jsonl is None:
        err.print("[red]give --jsonl FILE (or - for stdin), or --db PATH --relabel[/]")
        raise typer.Exit(EXIT_USAGE)
    stream = sys.stdin if jsonl == "-" else open(jsonl, encoding="utf-8")  # noqa: SIM115
    bad = 0
    with stream:
        docs: list[dict] = []
        for lineno, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                docs.append(
                    {
                        "id": doc.get("id"),
                        "title": doc.get("title") or "",
                        "text": doc.get("text") or "",
                    }
                )
            except (json.JSONDecodeError, AttributeError) as exc:
                bad += 1
                err.print(f"[red]line {lineno}: not a JSON object ({exc}); skipped[/]")
        for doc, pred in zip(docs, model.predict(docs), strict=True):
            print(
                json.dumps(
                    {
                        "id": doc["id"],
                        "scores": {k: round(v, 4) for k, v in pred.scores.items()},
                        "labels": pred.labels,
                        "evidence": {
                            k: [[t, round(w, 4)] for t, w in v] for k, v in pred.evidence.items()
                        },
                        "model_version": model.version,
                    },
                    ensure_ascii=False,
                )
            )
    if bad:
        raise typer.Exit(EXIT_USAGE)


def reprocess(db: DbOption = None, wait: WaitOption = 300.0) -> None:
    """Re-extract and re-classify every stored raw page, without touching the network.

    Use after upgrading the extractor or the model. Unchanged results add nothing; changed
    text is stored as a new article version.

    Example: pantau reprocess --db data/pantau.duckdb
    """
    from pipeline import store
    from pipeline.cli import jobs

    path = _db(db)
    if not path.exists():
        err.print(f"[red]no database at {path}[/]")
        raise typer.Exit(EXIT_USAGE)
    try:
        totals = jobs.reprocess(path, wait_seconds=wait)
    except store.DatabaseLockedError as exc:
        err.print(f"[bold red]database locked:[/] {exc}")
        raise typer.Exit(EXIT_DB_LOCKED) from None
    print(" ".join(f"{k}={v}" for k, v in sorted(totals.items())))


def stats(db: DbOption = None) -> None:
    """Counts of stored articles by source, topic and month.

    Example: pantau stats --db data/demo.duckdb
    """
    path = _db(db)
    if not path.exists():
        err.print(f"[red]no database at {path}[/]; run `pantau demo` or `pantau run` first")
        raise typer.Exit(EXIT_USAGE)
    print_stats(path)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    for fn in (demo, run, crawl, sources, classify, reprocess, stats):
        app.command()(fn)
