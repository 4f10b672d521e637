"""Store tests with real DuckDB files: schema, views, idempotency, versions, migrations."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import duckdb
import pytest
from _store_data import MONTHS, SOURCES, STORIES, build, make_batch, story_url

from pipeline import store
from pipeline.migrations import MIGRATIONS


@pytest.fixture(scope="session")
def store_fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file filled through the write API with realistic Indonesian rows."""
    return build(tmp_path_factory.mktemp("store") / "fixture.duckdb")


def _counts(path: Path) -> dict[str, int]:
    with store.reader(path, load_fts=False) as con:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in store.TABLES
        }


def _article(url: str, text: str, title: str = "Judul", fetched: str = "2024-05-01T00:00:00Z"):
    return store.ArticleRecord(
        source="suarasby",
        url=url,
        canonical_url=url,
        title=title,
        published="2024-05-01",
        author=None,
        location=None,
        credit=None,
        text=text,
        language="id",
        extractor_version="x1",
        fetched_at=fetched,
        extra={"tags": ["a"]},
    )


def test_article_id_is_stable_and_short() -> None:
    a = store.article_id("https://a.example/x")
    assert a == store.article_id("https://a.example/x")
    assert len(a) == 16 and int(a, 16) >= 0
    assert a != store.article_id("https://a.example/y")


def test_default_db_path_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PANTAU_DB", raising=False)
    assert store.default_db_path() == Path("data/pantau.duckdb")
    monkeypatch.setenv("PANTAU_DB", str(tmp_path / "x.duckdb"))
    assert store.default_db_path() == tmp_path / "x.duckdb"


def test_schema_tables_and_views(store_fixture_db: Path) -> None:
    with store.reader(store_fixture_db) as con:
        names = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        for t in (*store.TABLES, "schema_migrations"):
            assert t in names
        for v in (
            "v_article_topics",
            "v_articles_labelled",
            "v_topic_counts",
            "v_latest_run_health",
        ):
            assert v in names
        n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert n_articles == len(SOURCES) * len(MONTHS) * 3
        # One row per article in the labelled view, topics only where label is true.
        rows = con.execute("SELECT id, topics FROM v_articles_labelled").fetchall()
        assert len(rows) == n_articles
        url = story_url("suarasby", MONTHS[0], 0)
        topics = dict(rows)[store.article_id(url)]
        assert topics == ["pungli"]
        # Evidence is a native list of structs researchers can unnest.
        ev = con.execute(
            "SELECT e.term FROM (SELECT unnest(evidence) AS e FROM article_topics "
            "WHERE article_id = ? AND topic = 'pungli')",
            [store.article_id(url)],
        ).fetchall()
        assert [r[0] for r in ev] == ["pungut", "liar", "kuitansi"]
        # Topic counts per source/region/month add up to the labelled topic rows.
        total = con.execute("SELECT sum(articles) FROM v_topic_counts").fetchone()[0]
        labelled = con.execute("SELECT count(*) FROM article_topics WHERE label").fetchone()[0]
        assert total == labelled > 0
        regions = {
            r[0] for r in con.execute("SELECT DISTINCT region FROM v_topic_counts").fetchall()
        }
        assert regions == {"Jawa", "Kalimantan", "Sulawesi"}
        health = con.execute(
            "SELECT source_id, status, pages, errors_by_kind->>'extract' FROM v_latest_run_health "
            "ORDER BY 1"
        ).fetchall()
        assert [h[0] for h in health] == sorted(s["id"] for s in SOURCES)
        assert all(h[1] == "ok" and h[2] == 18 and h[3] == "1" for h in health)
        versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()]
        assert versions == [v for v, _, _ in MIGRATIONS]
        assert versions[-1] == store.SCHEMA_VERSION


def test_rerunning_a_batch_adds_nothing(tmp_path: Path) -> None:
    db = build(tmp_path / "a.duckdb")
    before = _counts(db)
    batch = make_batch("rerun")
    first = store.write_batch(db, batch)
    middle = _counts(db)
    second = store.write_batch(db, batch)
    after = _counts(db)
    # The articles were already there (same URLs, same text): nothing new or changed.
    assert first == second == store.BatchResult(0, 0, len(batch.articles))
    # Only the errors of the new run id are new; rerunning that batch adds nothing at all.
    assert middle == {**before, "errors": before["errors"] + len(batch.errors)}
    assert after == middle


def test_write_batch_counts_new_changed_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "v.duckdb"
    a1 = _article("https://x.example/1", "Teks pertama.")
    a2 = _article("https://x.example/2", "Teks kedua.")
    r = store.write_batch(db, store.Batch(articles=[a1, a2]))
    assert (r.new_articles, r.changed_articles, r.unchanged_articles) == (2, 0, 0)
    r = store.write_batch(db, store.Batch(articles=[a1, a2]))
    assert (r.new_articles, r.changed_articles, r.unchanged_articles) == (0, 0, 2)
    a1b = dataclasses.replace(
        a1, text="Teks pertama, diperbarui.", fetched_at="2024-05-03T00:00:00Z"
    )
    r = store.write_batch(db, store.Batch(articles=[a1b, a2]))
    assert (r.new_articles, r.changed_articles, r.unchanged_articles) == (0, 1, 1)
    # Same changed batch again: now unchanged.
    r = store.write_batch(db, store.Batch(articles=[a1b]))
    assert (r.new_articles, r.changed_articles, r.unchanged_articles) == (0, 0, 1)
    with store.reader(db, load_fts=False) as con:
        row = con.execute(
            "SELECT text, version, first_seen, last_seen, extra->>'$.tags[0]' FROM articles "
            "WHERE id = ?",
            [store.article_id(a1.canonical_url)],
        ).fetchone()
        assert row[0] == "Teks pertama, diperbarui." and row[1] == 2
        assert str(row[2]) == "2024-05-01 00:00:00" and str(row[3]) == "2024-05-03 00:00:00"
        assert row[4] == "a"
        versions = con.execute(
            "SELECT version, text FROM article_versions WHERE article_id = ? ORDER BY version",
            [store.article_id(a1.canonical_url)],
        ).fetchall()
        assert versions == [(1, "Teks pertama."), (2, "Teks pertama, diperbarui.")]


def test_duplicate_urls_within_one_batch(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    a = _article("https://x.example/1", "Satu.")
    b = dataclasses.replace(a, text="Dua.")
    r = store.write_batch(db, store.Batch(articles=[a, b]))
    assert r.new_articles == 1
    assert next(store.iter_articles(db))[0]["text"] == "Dua."


def test_pages_round_trip_compressed_and_deduplicated(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    body = ("<html><p>" + "Berita daerah. " * 500 + "</p></html>").encode()
    page = store.PageRecord(
        "run1", "suarasby", "https://x.example/1", None, 200, {"a": "b"}, body,
        "2024-05-01T01:02:03+07:00",
    )  # fmt: skip
    store.write_batch(db, store.Batch(pages=[page]))
    store.write_batch(db, store.Batch(pages=[dataclasses.replace(page, run_id="run2")]))
    pages = [p for b in store.iter_pages(db) for p in b]
    assert len(pages) == 1
    p = pages[0]
    assert p["body"] == body and p["headers"] == {"a": "b"} and p["status"] == 200
    assert p["fetched_at"] == "2024-04-30T18:02:03"  # stored as naive UTC
    with store.reader(db, load_fts=False) as con:
        stored, size = con.execute("SELECT octet_length(body), body_size FROM pages").fetchone()
    assert size == len(body) and stored < len(body) / 10


def test_replace_topics_records_model_version(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    a = _article("https://x.example/1", "Pungutan liar.")
    old = [
        store.TopicRecord(a.canonical_url, "pungli", 0.7, True, [("pungut", 1.0)], "m1"),
        store.TopicRecord(a.canonical_url, "kerja_sama", 0.6, True, [("sama", 0.2)], "m1"),
    ]
    store.write_batch(db, store.Batch(articles=[a], topics=old))
    new = [store.TopicRecord(a.canonical_url, "pungli", 0.95, True, [("liar", 2.0)], "m2")]
    store.replace_topics(db, new)
    store.replace_topics(db, new)  # idempotent
    with store.reader(db, load_fts=False) as con:
        rows = con.execute(
            "SELECT topic, probability, model_version, evidence FROM article_topics"
        ).fetchall()
    assert rows == [("pungli", 0.95, "m2", [{"term": "liar", "weight": 2.0}])]


def test_iter_articles_allows_writes_between_batches(
    store_fixture_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(store_fixture_db.read_bytes())
    seen = 0
    for batch in store.iter_articles(db, batch_size=7):
        assert len(batch) <= 7
        # Re-classify while iterating, from the same process (no connection is held).
        store.replace_topics(
            db,
            [store.TopicRecord(a["canonical_url"], "pungli", 0.1, False, [], "m9") for a in batch],
        )
        seen += len(batch)
    assert seen == len(SOURCES) * len(MONTHS) * 3
    with store.reader(db, load_fts=False) as con:
        assert con.execute("SELECT DISTINCT model_version FROM article_topics").fetchall() == [
            ("m9",)
        ]


def test_crawl_state_and_stats(store_fixture_db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "x.duckdb"
    assert store.crawl_state(missing, "suarasby") == {"known_urls": set()}
    assert not missing.exists() and not missing.parent.exists()
    known = store.crawl_state(store_fixture_db, "suarasby")["known_urls"]
    assert story_url("suarasby", MONTHS[0], 0) in known
    assert len(known) == len(MONTHS) * 3
    s = store.stats(store_fixture_db)
    assert s["articles"] == len(SOURCES) * len(MONTHS) * 3
    assert [m for m, _ in s["by_month"]] == list(MONTHS)
    assert dict(s["by_topic"])["pungli"] > 0
    assert store.stats(missing)["articles"] == 0


def test_reader_errors_clearly(tmp_path: Path) -> None:
    with (
        pytest.raises(store.DatabaseMissingError, match="pantau demo"),
        store.reader(tmp_path / "none.duckdb"),
    ):
        pass
    assert not (tmp_path / "none.duckdb").exists()


def test_same_process_reader_blocks_writer_with_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    store.write_batch(db, store.Batch(articles=[_article("https://x.example/1", "a")]))
    with (
        store.reader(db, load_fts=False),
        pytest.raises(store.DatabaseLockedError, match="same process"),
    ):
        store.write_batch(db, store.Batch(articles=[_article("https://x.example/2", "b")]))
    assert (
        store.write_batch(
            db, store.Batch(articles=[_article("https://x.example/2", "b")])
        ).new_articles
        == 1
    )


def test_migration_from_version_1_file_keeps_data(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    # A file as an early Pantau (schema version 1) left it, with data in it.
    with store.writer(db, _migrate_to=1) as con:
        con.execute(
            "INSERT INTO sources VALUES ('lama', 'Koran Lama', 'https://lama.example', "
            "'Bali', 'Nusa Tenggara', true, 7, '2023-01-01')"
        )
        con.execute(
            "INSERT INTO articles (id, canonical_url, url, source, title, published, text, "
            "content_hash, version, first_seen, last_seen) VALUES (?, ?, ?, 'lama', "
            "'Pungutan liar di pasar', '2023-01-05', 'Pedagang pasar dimintai pungutan liar.', "
            "'h', 1, '2023-01-06', '2023-01-06')",
            [
                store.article_id("https://lama.example/1"),
                "https://lama.example/1",
                "https://lama.example/1",
            ],
        )
        con.execute(
            "INSERT INTO article_topics VALUES (?, 'pungli', 0.9, true, "
            "[{'term': 'pungut', 'weight': 1.0}], 'm0', '2023-01-06')",
            [store.article_id("https://lama.example/1")],
        )
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 1
        views = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_type = 'VIEW'"
        ).fetchone()[0]
        assert views == 0
    # The current code opens and upgrades it.
    with store.writer(db) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == (
            store.SCHEMA_VERSION
        )
    with store.reader(db) as con:
        row = con.execute("SELECT title, region, topics FROM v_articles_labelled").fetchone()
    assert row == ("Pungutan liar di pasar", "Nusa Tenggara", ["pungli"])
    # And the old rows take part in new writes and search.
    store.write_batch(
        db, store.Batch(articles=[_article("https://x.example/1", "Layanan daring.")])
    )
    store.rebuild_search_index(db)
    assert store.search(db, "pungutan pasar")[0]["title"] == "Pungutan liar di pasar"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with store.writer(db) as con:
        con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now())")
    with pytest.raises(RuntimeError, match="newer"), store.writer(db):
        pass


def test_errors_and_runs(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    run = store.start_run(db, ["a", "b"])
    err = store.ErrorRecord(run, "a", "https://a/1", "crawl", "HTTP 503", "2024-01-01T00:00:00Z")
    store.write_batch(db, store.Batch(errors=[err, err]))
    store.write_batch(db, store.Batch(errors=[err]))
    store.finish_run(
        db, run, "a", {"status": "failed", "message": "503s", "status_counts": {503: 4}}
    )
    store.finish_run(
        db, run, "a", {"status": "failed", "message": "503s", "status_counts": {503: 4}}
    )
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM errors").fetchone()[0] == 1
        runs = con.execute(
            "SELECT source_id, status, status_counts FROM crawl_runs ORDER BY 1"
        ).fetchall()
    assert runs[0][:2] == ("a", "failed") and json.loads(runs[0][2]) == {"503": 4}
    assert runs[1][:2] == ("b", "running")


def test_fixture_has_every_story(store_fixture_db: Path) -> None:
    titles = {a["title"] for b in store.iter_articles(store_fixture_db) for a in b}
    assert titles == {s[0] for s in STORIES}
