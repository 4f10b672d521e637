"""Pantau never touches the network at import, at start-up or in the demo."""

from __future__ import annotations

from pathlib import Path

from _cli import ROOT, pantau

SUPPORT = Path(__file__).parent / "support"


def _offline_env(log: Path) -> dict[str, str]:
    return {"PYTHONPATH": f"{SUPPORT}:{ROOT}", "PANTAU_NET_LOG": str(log)}


def test_guard_really_blocks(tmp_path: Path) -> None:
    """The guard itself works (so the next tests can fail)."""
    import subprocess
    import sys

    log = tmp_path / "net.log"
    env = {**_offline_env(log), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-c", "import socket; socket.getaddrinfo('example.org', 80)"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "example.org" in log.read_text()


def test_demo_runs_without_any_outside_network(tmp_path: Path) -> None:
    log = tmp_path / "net.log"
    proc = pantau("demo", "--db", str(tmp_path / "demo.duckdb"), env=_offline_env(log))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not log.exists() or log.read_text() == "", log.read_text()


def test_help_and_sources_make_no_network_calls(tmp_path: Path) -> None:
    log = tmp_path / "net.log"
    for args in (("--help",), ("sources", "--db", str(tmp_path / "none.duckdb"))):
        proc = pantau(*args, env=_offline_env(log))
        assert proc.returncode == 0, proc.stderr
    assert not log.exists(), log.read_text()
