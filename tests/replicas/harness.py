"""Helpers for crawler tests: replica sites with known content and child-process crawls."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.replicas.crawl_child import read_jsonl

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("crawl_child.py")

# Replica crawls must be fast: no politeness delays, tiny retry pauses, short timeouts.
FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_TIMES": 1,
    "RETRY_BACKOFF_BASE": 0.01,
    "RETRY_BACKOFF_MAX": 0.05,
    "DOWNLOAD_TIMEOUT": 1,
    "LOG_LEVEL": "INFO",
    "LOG_INSTALL_ROOT_HANDLER": True,
}


@dataclass
class Db:
    """The on-disk "database" of a test: a JSONL sink of items and a JSONL of run records."""

    root: Path

    @property
    def sink(self) -> Path:
        return self.root / "items.jsonl"

    @property
    def runs(self) -> Path:
        return self.root / "runs.jsonl"

    def items(self) -> list[dict[str, Any]]:
        return read_jsonl(self.sink)

    def pages(self, source: str) -> list[dict[str, Any]]:
        return [r for r in self.items() if r["kind"] == "page" and r["source"] == source]

    def errors(self, source: str) -> list[dict[str, Any]]:
        return [r for r in self.items() if r["kind"] == "error" and r["source"] == source]

    def last_run(self, source: str) -> dict[str, Any]:
        return [r for r in read_jsonl(self.runs) if r["source_id"] == source][-1]


def _config(
    db: Db, base_urls: dict[str, str], sources: list[str], settings: dict[str, Any] | None
) -> Path:
    config = {
        "jobs": [{"source": s, "base_url": base_urls[s]} for s in sources],
        "sink": str(db.sink),
        "runs": str(db.runs),
        "settings": {**FAST, **(settings or {})},
    }
    path = db.root / f"config-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(config), "utf-8")
    return path


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **(extra or {})}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def crawl(
    db: Db,
    base_urls: dict[str, str],
    sources: list[str],
    settings: dict[str, Any] | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run one crawl of ``sources`` in a child process and wait for it."""
    proc = subprocess.run(
        [sys.executable, str(CHILD), str(_config(db, base_urls, sources, settings))],
        cwd=ROOT,
        env=_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc


def crawl_and_kill(
    db: Db,
    base_urls: dict[str, str],
    sources: list[str],
    after_lines: int,
    settings: dict[str, Any] | None = None,
    timeout: float = 60,
) -> int:
    """Start a crawl and SIGKILL it once the sink has grown by ``after_lines`` lines.

    Returns:
        How many lines the sink had gained when the process died.
    """
    before = len(db.items())
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(_config(db, base_urls, sources, settings))],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if len(db.items()) - before >= after_lines:
                break
            time.sleep(0.01)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    return len(db.items()) - before


def article_paths(log: list[str], pattern: str) -> list[str]:
    """Request paths in a replica's log that match an article pattern (query ignored)."""
    rx = re.compile(pattern)
    return [p for p in log if rx.match(p.split("?", 1)[0])]
