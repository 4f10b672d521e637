"""Two real processes: a reader (or a stray read-write shell) holds the file while we write."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline import store

pytestmark = pytest.mark.slow

HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
con.execute("SELECT count(*) FROM articles").fetchall()
print("held", flush=True)
time.sleep(float(sys.argv[3]))
con.close()
"""


@contextmanager
def hold(db: Path, mode: str, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Run another Python process that keeps ``db`` open for ``seconds``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), mode, str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "held", proc.stderr.read() if proc.stderr else ""
        yield proc
    finally:
        proc.kill()
        proc.wait()


def _article(n: int) -> store.ArticleRecord:
    url = f"https://x.example/{n}"
    return store.ArticleRecord(
        "s", url, url, f"Judul {n}", "2024-01-01", None, None, None, f"Teks {n}.", "id", "x",
        "2024-01-01T00:00:00Z", {},
    )  # fmt: skip


def _count(db: Path) -> int:
    with store.reader(db, load_fts=False) as con:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]  # type: ignore[index]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.duckdb"
    store.write_batch(path, store.Batch(articles=[_article(0)]))
    return path


def test_writer_waits_for_reader_process_and_loses_nothing(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="pipeline.store")
    with hold(db, "ro", 2.0) as proc:
        t0 = time.monotonic()
        result = store.write_batch(db, store.Batch(articles=[_article(1)]), wait_seconds=60)
        waited = time.monotonic() - t0
        assert proc.poll() is not None  # the writer only got in after the reader left
    assert result.new_articles == 1
    assert 1.0 < waited < 30
    assert _count(db) == 2
    busy = [r.getMessage() for r in caplog.records if "busy" in r.getMessage()]
    assert busy and "PANTAU_DB_WAIT" in busy[0]
    assert "Conflicting lock" in busy[0]  # says which process holds it


def test_writer_gives_up_with_clear_error_then_succeeds_later(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANTAU_DB_WAIT", "0.5")  # configurable without code changes
    batch = store.Batch(articles=[_article(2)])
    with hold(db, "rw", 30.0) as proc:
        t0 = time.monotonic()
        with pytest.raises(store.DatabaseLockedError) as info:
            store.write_batch(db, batch)
        assert time.monotonic() - t0 < 10
        message = str(info.value)
        assert "PANTAU_DB_WAIT" in message and f"PID {proc.pid}" in message
        # A reader cannot get in while a read-write process holds it either; clear message.
        with pytest.raises(store.DatabaseLockedError, match="Parquet export"), store.reader(db):
            pass
    # Nothing was half-written; the same batch goes in once the file is free.
    assert _count(db) == 1
    assert store.write_batch(db, batch).new_articles == 1
    assert _count(db) == 2


def test_many_readers_can_share_the_file(db: Path) -> None:
    with hold(db, "ro", 30.0), hold(db, "ro", 30.0):
        assert _count(db) == 1
        assert store.search(db, "judul") == []  # no index yet: empty, not an error
