"""Export labelled articles to Parquet (optionally partitioned by month) or CSV.

An export is also the recommended way for researchers to work for hours on the data
without holding the live database file (which would make the nightly job wait).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline import store

EXPORT_COLUMNS = (
    "id, source, source_name, province, region, title, published, month, author, location, "
    "credit, language, url, canonical_url, text, first_seen, last_seen, version, "
    "extractor_version, topics, model_version"
)


def _quote(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def export(
    path: str | Path,
    out: str | Path,
    fmt: str,
    topic: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> int:
    """Write the articles (one row each, with their labelled topics) to ``out``.

    Parquet: if ``out`` ends in ``.parquet`` a single file is written; otherwise ``out`` is
    a directory of Hive partitions ``month=YYYY-MM/`` (use this for large exports; read
    back with ``read_parquet('OUT/**/*.parquet', hive_partitioning = true)``). CSV: one
    file, ``topics`` joined with ``;``. Dates filter on the published date (or first-seen
    date when the page had none); the ``month`` column is derived from the same date.

    Args:
        path: Database file.
        out: Output file or directory (overwritten).
        fmt: ``"parquet"`` or ``"csv"``.
        topic: Only articles labelled with this topic.
        source: Only this source id.
        since: Only articles dated on/after this ISO date.
        until: Only articles dated on/before this ISO date.

    Returns:
        Number of articles exported.

    Raises:
        ValueError: On an unknown format.
    """
    fmt = fmt.lower()
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"Unknown export format {fmt!r}; use 'parquet' or 'csv'.")
    out = Path(out)
    where = """
        WHERE ($source IS NULL OR source = $source)
          AND ($since IS NULL
               OR coalesce(published, CAST(first_seen AS DATE)) >= CAST($since AS DATE))
          AND ($until IS NULL
               OR coalesce(published, CAST(first_seen AS DATE)) <= CAST($until AS DATE))
          AND ($topic IS NULL OR list_contains(topics, $topic))
    """
    params: dict[str, Any] = {"source": source, "since": since, "until": until, "topic": topic}
    cols = EXPORT_COLUMNS
    if fmt == "csv":
        cols = cols.replace("topics,", "array_to_string(topics, ';') AS topics,")
    query = f"SELECT {cols} FROM v_articles_labelled {where} ORDER BY published, id"
    if fmt == "parquet" and out.suffix != ".parquet":
        options = "FORMAT parquet, PARTITION_BY (month), OVERWRITE_OR_IGNORE true"
        out.mkdir(parents=True, exist_ok=True)
    elif fmt == "parquet":
        options = "FORMAT parquet"
        out.parent.mkdir(parents=True, exist_ok=True)
    else:
        options = "FORMAT csv, HEADER true"
        out.parent.mkdir(parents=True, exist_ok=True)
    with store.reader(path, load_fts=False) as con:
        row = con.execute(f"SELECT count(*) FROM ({query})", params).fetchone()
        n = int(row[0]) if row else 0
        con.execute(f"COPY ({query}) TO {_quote(out)} ({options})", params).fetchall()
    return n
