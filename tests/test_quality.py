"""Code quality gates that CI enforces through the test suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    exe = Path(sys.executable).with_name("ruff")
    if exe.exists():
        return [str(exe)]
    if shutil.which("ruff"):
        return ["ruff"]
    pytest.fail("ruff is not installed (it is a dev dependency)")


def test_ruff_check_clean() -> None:
    proc = subprocess.run([*_ruff(), "check", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_clean() -> None:
    proc = subprocess.run(
        [*_ruff(), "format", "--check", str(ROOT)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_stale_sastrawi_distribution() -> None:
    """PySastrawi only: the stale `Sastrawi` 1.0.1 distribution is ~350x slower."""
    from importlib.metadata import PackageNotFoundError, distribution

    assert distribution("PySastrawi")
    with pytest.raises(PackageNotFoundError):
        distribution("Sastrawi")


def test_scrapy_remote_control_disabled_and_robots_obeyed() -> None:
    from crawler import settings

    assert settings.REMOTE_CONTROL_ENABLED is False
    assert settings.ROBOTSTXT_OBEY is True
    assert settings.TELNETCONSOLE_ENABLED is False
