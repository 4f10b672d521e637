"""The `pantau` CLI end to end: help texts, the offline demo, classify contract."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import duckdb
import pytest
from _cli import pantau

from pipeline.demo.server import load_demo_articles

COMMANDS = ["demo", "run", "crawl", "sources", "extract", "classify", "reprocess", "stats"]


def _all_commands() -> list[str]:
    """Every registered command path, e.g. ``search`` or ``db migrate``."""
    import typer.main

    from pipeline.cli import app

    group = typer.main.get_command(app)
    paths = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        paths += [f"{name} {sub}" for sub in subs] if subs else [name]
    return sorted(paths)


def test_top_level_help_lists_commands() -> None:
    proc = pantau("--help")
    assert proc.returncode == 0, proc.stderr
    for cmd in COMMANDS:
        assert cmd in proc.stdout


def test_the_issue_commands_are_all_registered() -> None:
    assert set(COMMANDS) <= set(_all_commands())


@pytest.mark.parametrize("cmd", _all_commands())
def test_every_command_has_help_with_example(cmd: str) -> None:
    proc = pantau(*cmd.split(), "--help")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"Example: .*pantau " + cmd, proc.stdout), proc.stdout


def _summary(stdout: str) -> dict[str, dict[str, str]]:
    lines = re.findall(r"^(\w+): (ok|empty|failed) (.*)$", stdout, re.MULTILINE)
    return {
        sid: {"status": st, **dict(kv.split("=") for kv in re.findall(r"\w+=\d+", rest))}
        for sid, st, rest in lines
    }


def test_demo_stores_articles_with_topics(
    demo_run: tuple[Path, subprocess.CompletedProcess],
) -> None:
    db, proc = demo_run
    summary = _summary(proc.stdout)
    assert set(summary) == {"mmckalteng", "infopublik"}
    with duckdb.connect(str(db), read_only=True) as con:
        per_source = dict(
            con.execute("SELECT source, count(*) FROM articles GROUP BY source").fetchall()
        )
        # The printed summary matches the database.
        for sid, fields in summary.items():
            assert fields["status"] == "ok"
            assert int(fields["new"]) == per_source[sid] == 13
        total = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert f"Total articles: {total}" in proc.stdout
        # Every article has one row per topic, from one model version.
        rows = con.execute(
            "SELECT count(*), count(DISTINCT model_version) FROM article_topics"
        ).fetchone()
        assert rows == (3 * total, 1)
        # Each decision carries its threshold: label is exactly probability >= threshold.
        from pipeline.classify import load_model

        thresholds = dict(
            con.execute("SELECT DISTINCT topic, threshold FROM article_topics").fetchall()
        )
        assert thresholds == pytest.approx(load_model().thresholds)
        assert con.execute(
            "SELECT count(*) FROM article_topics WHERE label <> (probability >= threshold)"
        ).fetchone() == (0,)
        rows = con.execute(
            "SELECT a.url, list(t.topic ORDER BY t.topic) FILTER (WHERE t.label) FROM articles a "
            "JOIN article_topics t ON t.article_id = a.id GROUP BY a.url"
        ).fetchall()
        # Stored under the live sites' URLs, whatever port the replica had.
        assert all(
            u.startswith(("https://mmc.kalteng.go.id/", "https://infopublik.id/")) for u, _ in rows
        )
        labelled = {int(re.search(r"/(\d{4})/", u).group(1)): topics or [] for u, topics in rows}
        # A KPK sting and a police levy case are pungli; a football match report is nothing.
        assert "pungli" in labelled[1005]  # KPK amankan ratusan juta rupiah dalam OTT pejabat
        assert "pungli" in labelled[1007]  # Kedapatan pungli, tiga polisi ditangkap
        assert labelled[1020] == []  # Riedl akui senang meski kalah
        # Publication dates come from the article, never from the header's "today" widget.
        dates = dict(
            con.execute("SELECT title, strftime(published, '%Y-%m-%d') FROM articles").fetchall()
        )
        expected = {a.title: a.date for a in load_demo_articles()}
        assert dates == expected
        # Boilerplate of the replica layout never reaches the stored text.
        leaks = con.execute(
            "SELECT count(*) FROM articles WHERE text ILIKE '%Baca Juga%' OR text ILIKE '%Dibaca 3 kali%' "
            "OR text ILIKE '%kontributor di Multimedia Center%'"
        ).fetchone()[0]
        assert leaks == 0
    for _title, sql in [("q", "SELECT")]:
        assert sql in proc.stdout


def test_demo_second_run_adds_nothing(demo_run: tuple[Path, subprocess.CompletedProcess]) -> None:
    db, _ = demo_run
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_topics)"
        ).fetchone()
    proc = pantau("demo", "--db", str(db))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = _summary(proc.stdout)
    assert all(
        f["new"] == "0" and f["changed"] == "0" and f["status"] == "ok" for f in summary.values()
    ), summary
    with duckdb.connect(str(db), read_only=True) as con:
        after = con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_topics)"
        ).fetchone()
    assert after == before


def test_stats_and_sources_read_the_demo_db(demo_db: Path) -> None:
    proc = pantau("stats", "--db", str(demo_db))
    assert proc.returncode == 0, proc.stderr
    assert "Total articles: 26" in proc.stdout
    proc = pantau("sources", "--db", str(demo_db), "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["id"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert rows["mmckalteng"]["articles"] == 13 and rows["infopublik"]["articles"] == 13
    assert rows["mmckalteng"]["last_status"] == "ok" and rows["mmckalteng"]["last_run"]
    assert rows["mmckalteng"]["days_since_new_article"] == 0
    assert rows["kalimantanpost"]["articles"] == 0 and rows["kalimantanpost"]["last_status"] is None


def test_classify_jsonl_contract() -> None:
    docs = [
        {
            "id": "a",
            "title": "KPK tangkap bupati dalam OTT suap proyek",
            "text": "Komisi Pemberantasan Korupsi menangkap bupati dalam operasi tangkap tangan terkait suap "
            "proyek jalan. Uang suap ratusan juta rupiah disita penyidik KPK. " * 3,
        },
        {
            "id": 2,
            "title": "Timnas menang 2-0",
            "text": "Pertandingan sepak bola berakhir dengan skor 2-0. " * 5,
        },
    ]
    proc = pantau("classify", "--jsonl", "-", input="\n".join(json.dumps(d) for d in docs) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 2]
    for o in out:
        assert set(o["scores"]) == {"kerja_sama", "pungli", "digitalisasi"}
        assert all(0.0 <= p <= 1.0 for p in o["scores"].values())
        assert set(o["labels"]) <= set(o["scores"])
    assert "pungli" in out[0]["labels"]
    assert out[1]["labels"] == []


def test_classify_rejects_bad_lines() -> None:
    proc = pantau("classify", "--jsonl", "-", input="not json\n")
    assert proc.returncode == 2
    assert "line 1" in proc.stderr


def test_crawl_unknown_source_is_a_usage_error() -> None:
    proc = pantau("crawl", "--source", "nope")
    assert proc.returncode == 2
    assert "unknown source" in proc.stderr


def test_reprocess_rebuilds_articles_from_raw_pages(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(demo_db.read_bytes())
    query = "SELECT url, title, text FROM articles ORDER BY url"
    with duckdb.connect(str(db)) as con:
        before = con.execute(query).fetchall()
        con.execute(
            "DELETE FROM article_topics; DELETE FROM article_versions; DELETE FROM articles;"
        )
    proc = pantau("reprocess", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "new_articles=26" in proc.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(query).fetchall() == before
        assert con.execute("SELECT count(*) FROM article_topics").fetchone()[0] == 3 * len(before)
    # A second pass changes nothing.
    proc = pantau("reprocess", "--db", str(db))
    assert "new_articles" not in proc.stdout or "new_articles=0" in proc.stdout
    assert "changed_articles" not in proc.stdout or "changed_articles=0" in proc.stdout


def test_relabel_stored_articles_records_the_model_version(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(demo_db.read_bytes())
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE article_topics SET model_version = 'old-model', probability = -1")
        before = con.execute("SELECT count(*) FROM article_topics").fetchone()[0]
    proc = pantau("classify", "--db", str(db), "--relabel")
    assert proc.returncode == 0, proc.stderr
    assert "re-labelled 26 articles" in proc.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT count(*), count(DISTINCT model_version), min(probability), "
            "bool_or(model_version = 'old-model') FROM article_topics"
        ).fetchone()
    assert rows[0] == before and rows[1] == 1 and rows[2] >= 0 and rows[3] is False


def test_dead_source_is_loud_and_exit_code_1(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = tmp_path / "dead.duckdb"
    proc = pantau(
        "crawl", "-s", "mmckalteng", "--base-url", f"http://127.0.0.1:{port}", "--db", str(db)
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"^mmckalteng: failed .*robots\.txt", proc.stdout, re.MULTILINE), proc.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        status, message = con.execute("SELECT status, message FROM crawl_runs").fetchone()
    assert status == "failed" and "unreachable" in message
