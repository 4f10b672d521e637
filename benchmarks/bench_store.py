"""Store benchmark: bulk write_batch vs row-by-row, rerun, FTS rebuild, search, export.

Prints figures; never asserts. Example::

    PYTHONPATH=. python benchmarks/bench_store.py --articles 5000

Articles reuse the texts of the packaged demo corpus (pipeline/demo/data/articles.jsonl),
each made unique by a numbered sentence, with a ~40 KB raw HTML page and three topic rows.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from pipeline import store

DEMO = Path(__file__).resolve().parents[1] / "pipeline" / "demo" / "data" / "articles.jsonl"
QUERIES = [
    "pungutan liar",
    "kerja sama pemerintah",
    "aplikasi layanan",
    "pembangunan jalan",
    "banjir",
]


def make_batch(n: int, run_id: str) -> store.Batch:
    """``n`` articles with pages, topics and a few errors."""
    base = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line]
    batch = store.Batch()
    for i in range(n):
        doc = base[i % len(base)]
        url = f"https://bench{i % 20}.example/berita/{i}"
        text = f"{doc['text']}\n\nCatatan nomor {i}."
        fetched = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T06:00:00+07:00"
        html = f"<html><head><title>{doc['title']}</title></head><body>{'<div>menu</div>' * 2000}<article>{text}</article></body></html>"
        batch.pages.append(
            store.PageRecord(run_id, f"bench{i % 20}", url, url, 200, {"content-type": "text/html"},
                             html.encode(), fetched)
        )  # fmt: skip
        batch.articles.append(
            store.ArticleRecord(f"bench{i % 20}", url, url, doc["title"], doc.get("date"),
                                None, None, None, text, "id", "bench-1", fetched, {"i": i})
        )  # fmt: skip
        for t, topic in enumerate(("kerja_sama", "pungli", "digitalisasi")):
            p = ((i * 7 + t * 13) % 100) / 100
            batch.topics.append(
                store.TopicRecord(
                    url, topic, p, p >= 0.5, [("kata", 0.5), ("lain", 0.2)], "bench-m1"
                )
            )
    return batch


def row_by_row(path: Path, batch: store.Batch) -> float:
    """Baseline: the same article rows with executemany, one transaction."""
    rows = [
        (store.article_id(a.canonical_url), a.canonical_url, a.url, a.source, a.title, a.published,
         a.text, a.language, a.extractor_version, a.fetched_at)
        for a in batch.articles
    ]  # fmt: skip
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE a (id VARCHAR PRIMARY KEY, canonical_url VARCHAR, url VARCHAR, "
        "source VARCHAR, title VARCHAR, published DATE, text VARCHAR, language VARCHAR, "
        "extractor_version VARCHAR, fetched_at TIMESTAMPTZ)"
    )
    t0 = time.perf_counter()
    con.execute("BEGIN")
    con.executemany("INSERT INTO a VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Return (result, seconds)."""
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - t0


def main() -> None:
    """Run the benchmark and print figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=5000)
    args = ap.parse_args()
    n = args.articles
    tmp = Path(tempfile.mkdtemp(prefix="bench_store_"))
    db = tmp / "bench.duckdb"
    try:
        batch, t_make = timed(make_batch, n, "bench-run")
        print(f"duckdb {duckdb.__version__}; {n} articles, {len(batch.pages)} pages "
              f"(~{len(batch.pages[0].body) // 1000} KB each), {len(batch.topics)} topic rows; "
              f"building records took {t_make:.2f} s")  # fmt: skip
        with store.writer(db):
            pass  # create + migrate outside the timing
        result, t_write = timed(store.write_batch, db, batch)
        print(f"write_batch (new):        {t_write:7.2f} s  ({n / t_write:,.0f} articles/s incl. "
              f"pages+topics)  {result}")  # fmt: skip
        only_articles = store.Batch(articles=batch.articles)
        db2 = tmp / "articles_only.duckdb"
        with store.writer(db2):
            pass
        _, t_art = timed(store.write_batch, db2, only_articles)
        t_rbr = row_by_row(tmp / "rbr.duckdb", batch)
        print(f"articles only, bulk:      {t_art:7.2f} s  ({n / t_art:,.0f} rows/s)")
        print(f"articles only, executemany row-by-row (plain insert, no diffing): {t_rbr:.2f} s "
              f"({n / t_rbr:,.0f} rows/s) -> bulk is {t_rbr / t_art:.1f}x faster")  # fmt: skip
        result, t_rerun = timed(store.write_batch, db, batch)
        print(f"write_batch (rerun):      {t_rerun:7.2f} s  {result}")
        _, t_index = timed(store.rebuild_search_index, db)
        print(f"rebuild_search_index:     {t_index:7.2f} s")
        lat = []
        for _ in range(3):
            for q in QUERIES:
                _, t = timed(store.search, db, q, limit=20)
                lat.append(t)
        print(f"search (open+query+close): median {statistics.median(lat) * 1000:.0f} ms, "
              f"max {max(lat) * 1000:.0f} ms over {len(lat)} queries")  # fmt: skip
        rows, t_pq = timed(store.export, db, tmp / "export", "parquet")
        print(f"export parquet by month:  {t_pq:7.2f} s  ({rows} rows)")
        rows, t_csv = timed(store.export, db, tmp / "export.csv", "csv")
        print(f"export csv:               {t_csv:7.2f} s  ({rows} rows)")
        with store.reader(db, load_fts=False) as con:
            raw, stored = con.execute(
                "SELECT sum(body_size), sum(octet_length(body)) FROM pages"
            ).fetchone()
        print(f"pages: {raw / 1e6:.1f} MB raw -> {stored / 1e6:.1f} MB zlib ({raw / stored:.0f}x)")
        print(f"database file: {db.stat().st_size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
