"""Read-only helpers for the journalists' notebooks (``notebooks/``).

Plain functions returning lists of dicts, so notebooks stay thin and the logic is tested.
Every function opens the database read-only through :func:`pipeline.store.reader` for the
duration of one query, so a notebook left open never blocks the nightly job.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline import store

DEMO_DB = Path("data") / "demo.duckdb"


def notebook_db_path() -> Path:
    """The database a notebook should open.

    ``$PANTAU_DB`` if set, else ``data/demo.duckdb`` looked up from the current directory
    upwards (notebooks run from ``notebooks/``, the demo database lives in ``data/``).

    Returns:
        The path (it may not exist; :func:`pipeline.store.reader` then says how to make it).
    """
    env = os.environ.get("PANTAU_DB")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / DEMO_DB).exists():
            return d / DEMO_DB
    return DEMO_DB


def _rows(path: str | Path, sql: str, params: Any = None) -> list[dict[str, Any]]:
    # Wait up to a minute if the nightly job is in the middle of a (short) write.
    with store.reader(path, wait_seconds=60, load_fts=False) as con:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def topic_attention(path: str | Path, by: str = "region") -> list[dict[str, Any]]:
    """Monthly count and share of articles labelled with each topic, per region or source.

    Args:
        path: Database file.
        by: ``"region"``, ``"province"`` or ``"source"``.

    Returns:
        Dicts ``{group, topic, month, articles, total, share}`` where ``total`` is all
        articles of that group and month and ``share = articles / total``.
    """
    if by not in ("region", "province", "source"):
        raise ValueError("by must be 'region', 'province' or 'source'")
    return _rows(
        path,
        f"""
        WITH totals AS (
            SELECT coalesce({by}, '?') AS grp, month, count(*) AS total
            FROM v_articles_labelled GROUP BY ALL
        ), counts AS (
            SELECT coalesce({by}, '?') AS grp, month, topic, count(*) FILTER (WHERE label) AS n
            FROM v_article_topics GROUP BY ALL
        )
        SELECT c.grp AS "group", c.topic, c.month, c.n AS articles, t.total,
               c.n / t.total AS share
        FROM counts c JOIN totals t USING (grp, month)
        ORDER BY 1, 2, 3
        """,
    )


def articles_for(
    path: str | Path,
    topic: str | None = None,
    region: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Articles labelled with ``topic`` (most confident first), with their evidence terms.

    Args:
        path: Database file.
        topic: Topic name; ``None`` for all labelled topics.
        region: Only this region.
        source: Only this source id.
        since: From this ISO date.
        until: Up to this ISO date.
        limit: Maximum rows.

    Returns:
        Dicts with id, title, source_name, region, published, url, text, topic, probability,
        model_version and ``evidence`` as ``[(term, weight), ...]``.
    """
    rows = _rows(
        path,
        """
        SELECT t.article_id AS id, t.title, t.source_name, t.region, t.published, t.url,
               a.text, t.topic, t.probability, t.model_version, t.evidence
        FROM v_article_topics t JOIN articles a ON a.id = t.article_id
        WHERE t.label
          AND ($topic IS NULL OR t.topic = $topic)
          AND ($region IS NULL OR t.region = $region)
          AND ($source IS NULL OR t.source = $source)
          AND ($since IS NULL OR t.published >= CAST($since AS DATE))
          AND ($until IS NULL OR t.published <= CAST($until AS DATE))
        ORDER BY t.probability DESC, t.published DESC, t.article_id
        LIMIT $limit
        """,
        {
            "topic": topic,
            "region": region,
            "source": source,
            "since": since,
            "until": until,
            "limit": limit,
        },
    )
    for r in rows:
        r["evidence"] = [(e["term"], e["weight"]) for e in (r["evidence"] or [])]
    return rows


def _stem(word: str) -> str:
    try:
        from pipeline.textnorm import stem
    except ImportError:  # pragma: no cover - textnorm is part of the package
        return word
    return stem(word)


def highlight(text: str, terms: Iterable[str]) -> str:
    """HTML of ``text`` with every word whose stem is an evidence term wrapped in ``<mark>``.

    Evidence terms are the classifier's normalised tokens: Sastrawi stems (``pungut``
    marks "pungutan", "memungut") and joined phrases (``kerja_sama`` marks "kerja sama").

    Args:
        text: Article text.
        terms: Evidence terms.

    Returns:
        HTML-escaped text with ``<mark>`` elements.
    """
    terms = {t.lower() for t in terms if t}
    phrases = [t for t in terms if "_" in t]
    words = terms - set(phrases)
    pieces = []
    # Phrases first: split the text on them, then mark single words in the rest.
    pattern = (
        re.compile("|".join(re.escape(p.replace("_", " ")) for p in phrases), re.IGNORECASE)
        if phrases
        else None
    )
    pos = 0
    spans = [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []
    for start, end in [*spans, (len(text), len(text))]:
        chunk = text[pos:start]
        for token in re.split(r"(\w+)", chunk):
            if (
                token
                and token[0].isalnum()
                and (token.lower() in words or _stem(token.lower()) in words)
            ):
                pieces.append(f"<mark>{html.escape(token)}</mark>")
            else:
                pieces.append(html.escape(token))
        if end > start:
            pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    return "".join(pieces)


def query_terms(query: str) -> list[str]:
    """A search query as evidence-style terms (stop words dropped, stemmed, phrases joined),
    for :func:`highlight`.

    Args:
        query: Free text, e.g. ``"pungutan liar di sekolah"``.

    Returns:
        Terms such as ``["pungutan_liar", "sekolah", "pungut", "liar"]``: phrases and
        also their words, so a lone "pungutan" is marked too.
    """
    try:
        from pipeline.textnorm import normalize
    except ImportError:  # pragma: no cover
        return re.findall(r"\w+", query.lower())
    terms = normalize(query)
    for word in re.findall(r"\w+", query.lower()):
        terms.extend(normalize(word))
    return list(dict.fromkeys(terms))


def probabilities(path: str | Path) -> dict[str, dict[str, list[float]]]:
    """Classifier probabilities per topic, split by the stored label.

    Args:
        path: Database file.

    Returns:
        ``{topic: {"labelled": [p, ...], "not_labelled": [p, ...]}}``.
    """
    out: dict[str, dict[str, list[float]]] = {}
    for r in _rows(path, "SELECT topic, label, probability FROM article_topics ORDER BY 1"):
        d = out.setdefault(r["topic"], {"labelled": [], "not_labelled": []})
        d["labelled" if r["label"] else "not_labelled"].append(float(r["probability"]))
    return out


def thresholds(path: str | Path) -> dict[str, float | None]:
    """The decision threshold per topic of the latest model version in the database.

    Stored with each decision since schema version 4; for older rows without one, the
    threshold implied by the labels (the midpoint between the highest probability left
    unlabelled and the lowest labelled one; ``None`` when they disagree).

    Args:
        path: Database file.

    Returns:
        ``{topic: threshold or None}``.
    """
    rows = _rows(
        path,
        "SELECT topic, arg_max(threshold, classified_at) FILTER (WHERE threshold IS NOT NULL) "
        "AS stored, max(probability) FILTER (WHERE NOT label) AS hi_no, "
        "min(probability) FILTER (WHERE label) AS lo_yes FROM article_topics GROUP BY 1 "
        "ORDER BY 1",
    )
    out: dict[str, float | None] = {}
    for r in rows:
        hi, lo = r["hi_no"], r["lo_yes"]
        if r["stored"] is not None:
            out[r["topic"]] = float(r["stored"])
        elif hi is None or lo is None:
            out[r["topic"]] = lo if hi is None else hi
        else:
            out[r["topic"]] = (hi + lo) / 2 if hi <= lo else None
    return out


def uncertain(
    path: str | Path, topic: str, around: float = 0.5, limit: int = 10
) -> list[dict[str, Any]]:
    """The articles whose probability for ``topic`` is closest to the threshold.

    Args:
        path: Database file.
        topic: Topic name.
        around: Threshold to measure the distance from.
        limit: Maximum rows.

    Returns:
        Dicts with id, title, probability, label, model_version, evidence ``[(term, w)]``.
    """
    rows = _rows(
        path,
        """
        SELECT article_id AS id, title, source_name, region, probability, label,
               model_version, evidence
        FROM v_article_topics WHERE topic = $topic
        ORDER BY abs(probability - $around), article_id LIMIT $limit
        """,
        {"topic": topic, "around": around, "limit": limit},
    )
    for r in rows:
        r["evidence"] = [(e["term"], e["weight"]) for e in (r["evidence"] or [])]
    return rows


def top_evidence(path: str | Path, topic: str, limit: int = 15) -> list[dict[str, Any]]:
    """Evidence terms that most often pushed articles into ``topic``.

    Args:
        path: Database file.
        topic: Topic name.
        limit: Maximum terms.

    Returns:
        Dicts ``{term, articles, total_weight}`` over the labelled articles.
    """
    return _rows(
        path,
        """
        SELECT e.term AS term, count(*) AS articles, sum(e.weight) AS total_weight
        FROM (SELECT unnest(evidence) AS e FROM article_topics WHERE topic = $topic AND label)
        GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT $limit
        """,
        {"topic": topic, "limit": limit},
    )
