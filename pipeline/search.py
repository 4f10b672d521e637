"""Full-text search: BM25 over article title and text with DuckDB's fts extension.

The index uses the Snowball Indonesian stemmer (``stem('pembangunan', 'indonesian')`` is
``bangun``) and a short list of Indonesian function words as stop words. Sastrawi's
809-word list is deliberately *not* used: it contains ``kerja`` and ``sama``, which would
make "kerja sama" unsearchable. BM25's IDF already discounts frequent words.

The fts index is a snapshot: it is rebuilt after each load (:func:`rebuild_search_index`).
SQL users get a table macro on top of it::

    SELECT * FROM search_articles('pungutan liar sekolah') LIMIT 10;
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline import store

log = logging.getLogger(__name__)

# Function words only (no content words), so any topic term stays searchable.
STOPWORDS: tuple[str, ...] = (
    "yang", "dan", "di", "ke", "dari", "ini", "itu", "untuk", "dengan", "pada", "dalam",
    "adalah", "akan", "atau", "juga", "tersebut", "oleh", "karena", "sebagai", "bahwa",
    "tidak", "telah", "sudah", "ada", "bisa", "dapat", "para", "kami", "kita", "mereka",
    "ia", "dia", "saat", "lebih", "hingga", "serta", "agar", "namun", "jika", "maka",
    "kata", "ujar", "ungkap", "jelas", "nya", "pun", "lah", "kah", "se", "yaitu", "yakni",
)  # fmt: skip

SEARCH_MACRO = """
CREATE OR REPLACE MACRO search_articles(q) AS TABLE
SELECT a.*, s.score
FROM (SELECT id, fts_main_articles.match_bm25(id, q) AS score FROM articles) s
JOIN v_articles_labelled a ON a.id = s.id
WHERE s.score IS NOT NULL
ORDER BY s.score DESC
"""


def rebuild_search_index(path: str | Path, wait_seconds: float | None = None) -> None:
    """(Re)build the BM25 index over ``articles.title`` and ``articles.text``.

    Also (re)creates the ``search_articles(q)`` table macro and clears the "index is
    stale" flag that :func:`pipeline.store.write_batch` sets.

    Args:
        path: Database file.
        wait_seconds: Lock wait; default ``$PANTAU_DB_WAIT`` or 300 s.
    """
    with store.writer(path, wait_seconds) as con:
        store.load_fts_extension(con)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("CREATE OR REPLACE TABLE search_stopwords (sw VARCHAR)")
            con.execute(
                "INSERT INTO search_stopwords SELECT unnest(?::VARCHAR[])", [list(STOPWORDS)]
            )
            con.execute(
                "PRAGMA create_fts_index('articles', 'id', 'title', 'text', "
                "stemmer = 'indonesian', stopwords = 'search_stopwords', "
                "ignore = '(\\.|[^a-z0-9])+', strip_accents = 1, lower = 1, overwrite = 1)"
            )
            con.execute(SEARCH_MACRO)
            now = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
            con.execute(
                "INSERT INTO store_meta VALUES ('search_index_dirty', 'false'), "
                "('search_index_built_at', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [now],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise


def _index_exists(con: Any) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'fts_main_articles'"
    ).fetchone()
    return bool(row and row[0])


def snippet(text: str | None, query: str, width: int = 160) -> str:
    """A short excerpt of ``text`` around the first query word (or word stem) it contains.

    Args:
        text: Article text.
        query: The search query.
        width: Characters of context in total.

    Returns:
        The excerpt, with ``…`` where it was cut.
    """
    if not text:
        return ""
    words = [w for w in re.findall(r"\w+", query.lower()) if w not in STOPWORDS]
    low = text.lower()
    pos = -1
    for w in words:
        # Try the word, then shorter prefixes: "pungutan" also finds "pungut".
        for cut in (len(w), max(4, len(w) - 3)):
            pos = low.find(w[:cut])
            if pos >= 0:
                break
        if pos >= 0:
            break
    if pos < 0:
        pos = 0
    start = max(0, pos - width // 3)
    end = min(len(text), start + width)
    out = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + out + ("…" if end < len(text) else "")


def search(
    path: str | Path,
    query: str,
    topic: str | None = None,
    source: str | None = None,
    since: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Rank articles for ``query`` with BM25 over title and text (Indonesian stemming).

    Args:
        path: Database file.
        query: Free-text query, e.g. ``"pungutan liar sekolah"``.
        topic: Only articles labelled with this topic.
        source: Only this source id.
        since: Only articles published (or first seen) on/after this ISO date.
        limit: Maximum results.

    Returns:
        Dicts with id, score, title, source, region, published, url, topics, snippet, text,
        best first. Empty when no article matches or nothing is indexed yet.
    """
    with store.reader(path) as con:
        if not _index_exists(con):
            log.warning("No search index in %s yet; run a load or `pantau db index`.", path)
            return []
        dirty = con.execute(
            "SELECT value FROM store_meta WHERE key = 'search_index_dirty'"
        ).fetchone()
        if dirty and dirty[0] == "true":
            log.warning("The search index of %s is older than the latest load.", path)
        cur = con.execute(
            """
            SELECT s.score, a.id, a.title, a.source, a.source_name, a.province, a.region,
                   a.published, a.url, a.topics, a.text
            FROM (SELECT id, fts_main_articles.match_bm25(id, $q) AS score FROM articles) s
            JOIN v_articles_labelled a ON a.id = s.id
            WHERE s.score IS NOT NULL
              AND ($source IS NULL OR a.source = $source)
              AND ($since IS NULL
                   OR coalesce(a.published, CAST(a.first_seen AS DATE)) >= CAST($since AS DATE))
              AND ($topic IS NULL OR EXISTS (
                    SELECT 1 FROM article_topics t
                    WHERE t.article_id = a.id AND t.topic = $topic AND t.label))
            ORDER BY s.score DESC, a.id
            LIMIT $limit
            """,
            {"q": query, "source": source, "since": since, "topic": topic, "limit": limit},
        )
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    for r in rows:
        r["published"] = r["published"].isoformat() if r["published"] else None
        r["snippet"] = snippet(r["text"], query)
    return rows
