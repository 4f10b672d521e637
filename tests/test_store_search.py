"""Full-text search (BM25, Indonesian stemming) and export round-trips on a fixture file."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import duckdb
import pytest
from _store_data import (
    MONTHS,
    SOURCES,
    STORIES,
    build_once,
)

from pipeline import store
from pipeline.search import snippet

N_ARTICLES = len(SOURCES) * len(MONTHS) * 3


@pytest.fixture(scope="session")
def store_fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file filled through the write API with realistic Indonesian rows."""
    return build_once(tmp_path_factory)


@pytest.mark.parametrize(
    ("query", "expected_story"),
    [
        ("pungutan liar sekolah", 0),
        ("nota kesepahaman universitas", 1),
        ("aplikasi perizinan daring", 2),
        ("jembatan timbang", 3),
        # Stemming: "bermitra" and "kemitraan" both stem to "mitra".
        ("bermitra investor", 4),
        ("dana desa transparan", 5),
        ("banjir", 6),
        ("ktp elektronik", 7),
    ],
)
def test_expected_article_ranks_first(
    store_fixture_db: Path, query: str, expected_story: int
) -> None:
    hits = store.search(store_fixture_db, query, limit=50)
    assert hits, query
    expected_title = STORIES[expected_story][0]
    assert hits[0]["title"] == expected_title
    # Every copy of the expected story (one per source/month it appears in) outranks the rest.
    titles = [h["title"] for h in hits]
    n_copies = titles.count(expected_title)
    assert titles[:n_copies] == [expected_title] * n_copies
    assert all(a["score"] >= b["score"] for a, b in itertools.pairwise(hits))


def test_search_filters(store_fixture_db: Path) -> None:
    unfiltered = store.search(store_fixture_db, "pemerintah", limit=100)
    assert any("kerja_sama" not in h["topics"] for h in unfiltered)
    hits = store.search(store_fixture_db, "pemerintah", topic="kerja_sama", limit=100)
    assert hits and all("kerja_sama" in h["topics"] for h in hits)
    hits = store.search(store_fixture_db, "warga", source="kaltengpos", limit=100)
    assert hits and {h["source"] for h in hits} == {"kaltengpos"}
    hits = store.search(store_fixture_db, "warga", since="2024-05-01", limit=100)
    assert hits and all(h["published"] >= "2024-05-01" for h in hits)
    assert len(store.search(store_fixture_db, "warga", limit=2)) == 2
    assert store.search(store_fixture_db, "zzzyyyxxx") == []


def test_search_result_fields_and_snippet(store_fixture_db: Path) -> None:
    hit = store.search(store_fixture_db, "pungutan liar sekolah", limit=1)[0]
    assert {
        "id",
        "score",
        "title",
        "source",
        "region",
        "published",
        "url",
        "topics",
        "snippet",
    } <= set(hit)
    assert hit["region"] in {"Jawa", "Kalimantan", "Sulawesi"}
    assert "pungutan liar" in hit["snippet"]
    assert snippet("a " * 200 + "pungutan liar di sini " + "b " * 200, "pungutan").startswith("…")


def test_sql_macro_for_researchers(store_fixture_db: Path) -> None:
    with store.reader(store_fixture_db) as con:
        rows = con.execute(
            "SELECT title, region, topics, score FROM search_articles('pungutan liar sekolah') "
            "LIMIT 3"
        ).fetchall()
    assert rows[0][0] == STORIES[0][0] and rows[0][2] == ["pungli"]


def test_index_staleness_is_tracked(
    store_fixture_db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(store_fixture_db.read_bytes())
    assert "stale" not in store.db_info(db)["search_index"]
    url = "https://suarasby.example/berita/baru"
    store.write_batch(
        db,
        store.Batch(
            articles=[
                store.ArticleRecord(
                    "suarasby", url, url, "Retribusi parkir liar di alun-alun", "2024-07-01",
                    None, None, None, "Juru parkir liar menarik retribusi tanpa karcis.", "id",
                    "x", "2024-07-01T00:00:00Z", {},
                )
            ]
        ),
    )  # fmt: skip
    assert "stale" in store.db_info(db)["search_index"]
    caplog.set_level(logging.WARNING, logger="pipeline.search")
    assert store.search(db, "retribusi parkir") == []  # not indexed yet...
    assert any("older than" in r.getMessage() for r in caplog.records)
    store.rebuild_search_index(db)
    assert store.search(db, "retribusi parkir")[0]["url"] == url  # ...now it is
    assert "stale" not in store.db_info(db)["search_index"]


def _read_back(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in con.execute(sql).fetchall()}


def test_export_parquet_partitioned_round_trip(store_fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    n = store.export(store_fixture_db, out, "parquet")
    assert n == N_ARTICLES
    assert sorted(p.name for p in out.iterdir()) == [f"month={m}" for m in MONTHS]
    with store.reader(store_fixture_db, load_fts=False) as db:
        want = _read_back(
            db, "SELECT id, title, text, published, topics, region FROM v_articles_labelled"
        )
    con = duckdb.connect()
    got = _read_back(
        con,
        f"SELECT id, title, text, published, topics, region FROM "
        f"read_parquet('{out.as_posix()}/**/*.parquet', hive_partitioning = true)",
    )
    assert got == want
    months = con.execute(
        f"SELECT DISTINCT month FROM read_parquet('{out.as_posix()}/**/*.parquet', "
        "hive_partitioning = true) ORDER BY 1"
    ).fetchall()
    assert [str(m[0]) for m in months] == list(MONTHS)
    # Exporting again overwrites rather than duplicating.
    assert store.export(store_fixture_db, out, "parquet") == n
    assert (
        con.execute(
            f"SELECT count(*) FROM read_parquet('{out.as_posix()}/**/*.parquet')"
        ).fetchone()[0]
        == n
    )


def test_export_single_parquet_and_csv_with_filters(store_fixture_db: Path, tmp_path: Path) -> None:
    pq = tmp_path / "pungli.parquet"
    n = store.export(
        store_fixture_db, pq, "parquet", topic="pungli", since="2024-02-01", until="2024-03-31"
    )
    con = duckdb.connect()
    rows = con.execute(f"SELECT topics, published FROM read_parquet('{pq.as_posix()}')").fetchall()
    assert len(rows) == n > 0
    assert all("pungli" in t and "2024-02-01" <= str(p) <= "2024-03-31" for t, p in rows)
    csv = tmp_path / "out" / "kalteng.csv"
    n = store.export(store_fixture_db, csv, "csv", source="kaltengpos")
    assert n == len(MONTHS) * 3
    got = con.execute(
        f"SELECT id, title, text, coalesce(topics, '') FROM read_csv('{csv.as_posix()}', header = true)"
    ).fetchall()
    with store.reader(store_fixture_db, load_fts=False) as db:
        want = db.execute(
            "SELECT id, title, text, array_to_string(topics, ';') FROM v_articles_labelled "
            "WHERE source = 'kaltengpos'"
        ).fetchall()
    assert sorted(got, key=str) == sorted(want, key=str)
    with pytest.raises(ValueError, match="parquet"):
        store.export(store_fixture_db, tmp_path / "x.json", "json")
