"""Helpers for tests: run the real `pantau` CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def pantau(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300, **kw
) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess (each crawl needs a fresh Twisted reactor)."""
    full_env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NO_COLOR": "1",
        "COLUMNS": "200",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=kw.pop("cwd", ROOT),
        **kw,
    )
