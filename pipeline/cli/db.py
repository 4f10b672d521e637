"""Database commands: db migrate, db info, db index, search, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB file (default: $PANTAU_DB or data/pantau.duckdb)."),
]


def _db(db: Path | None) -> Path:
    from pipeline.store import default_db_path

    return db if db is not None else default_db_path()


def _fail(exc: Exception) -> None:
    typer.secho(f"Error: {exc}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1) from exc


db_app = typer.Typer(help="Manage the DuckDB database file (schema, info, search index).")


@db_app.command("migrate")
def migrate_cmd(
    db: DbOption = None,
    wait: Annotated[
        float | None, typer.Option(help="Seconds to wait if another process holds the file.")
    ] = None,
) -> None:
    """Create the database or upgrade it to the current schema (safe to rerun).

    Example: pantau db migrate --db data/pantau.duckdb
    """
    from pipeline import store

    path = _db(db)
    try:
        with store.writer(path, wait) as con:
            versions = con.execute(
                "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
            ).fetchall()
    except store.DatabaseLockedError as exc:
        _fail(exc)
    typer.echo(f"{path}: schema version {store.SCHEMA_VERSION}")
    for version, name, applied_at in versions:
        typer.echo(f"  {version:>3}  {name:<20} applied {applied_at:%Y-%m-%d %H:%M:%S}")


@db_app.command("info")
def info_cmd(db: DbOption = None) -> None:
    """Show schema version, row counts per table, and search-index state.

    Example: pantau db info --db data/demo.duckdb
    """
    from pipeline import store

    path = _db(db)
    try:
        info = store.db_info(path)
    except (store.DatabaseMissingError, store.DatabaseLockedError) as exc:
        _fail(exc)
    typer.echo(f"{path}  ({info['size_mb']:.1f} MB, schema version {info['schema_version']})")
    for table, n in info["tables"].items():
        typer.echo(f"  {table:<18} {n:>10,}")
    typer.echo(f"  search index: {info['search_index']}")


@db_app.command("index")
def index_cmd(db: DbOption = None) -> None:
    """Rebuild the full-text search index (done automatically after each load).

    Example: pantau db index --db data/pantau.duckdb
    """
    from pipeline import store

    try:
        store.rebuild_search_index(_db(db))
    except store.DatabaseLockedError as exc:
        _fail(exc)
    typer.echo("Search index rebuilt.")


def search_cmd(
    query: Annotated[str, typer.Argument(help="Words to search for (Indonesian stemming).")],
    topic: Annotated[
        str | None, typer.Option(help="Only articles labelled with this topic.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only this source id.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only articles from this date (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Maximum number of results.")] = 20,
    db: DbOption = None,
) -> None:
    """Full-text search (BM25 over title and text) of the stored articles.

    Example: pantau search "pungutan liar sekolah" --topic pungli --since 2024-01-01
    """
    from pipeline import store

    try:
        hits = store.search(_db(db), query, topic=topic, source=source, since=since, limit=limit)
    except (store.DatabaseMissingError, store.DatabaseLockedError) as exc:
        _fail(exc)
    if not hits:
        typer.echo("No matching articles.")
        return
    for i, h in enumerate(hits, 1):
        topics = ",".join(h["topics"]) or "-"
        typer.secho(f"{i:>2}. [{h['score']:.2f}] {h['title']}", bold=True)
        typer.echo(f"    {h['published'] or '????-??-??'}  {h['source']}  topics: {topics}")
        typer.echo(f"    {h['url']}")
        typer.echo(f"    {h['snippet']}")


def export_cmd(
    out: Annotated[Path, typer.Argument(help="Output file, or directory for partitioned Parquet.")],
    format: Annotated[str, typer.Option("--format", "-f", help="parquet or csv.")] = "parquet",
    topic: Annotated[
        str | None, typer.Option(help="Only articles labelled with this topic.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only this source id.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (YYYY-MM-DD).")] = None,
    db: DbOption = None,
) -> None:
    """Export articles with their topics to Parquet (directory = partitioned by month) or CSV.

    Example: pantau export --format parquet --topic pungli exports/pungli/
    """
    from pipeline import store

    try:
        n = store.export(_db(db), out, format, topic=topic, source=source, since=since, until=until)
    except (store.DatabaseMissingError, store.DatabaseLockedError, ValueError) as exc:
        _fail(exc)
    typer.echo(f"Exported {n} articles to {out}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(db_app, name="db")
    app.command("search")(search_cmd)
    app.command("export")(export_cmd)
