"""The wheel ships every data file the package needs at run time (built offline)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Files the installed package reads at run time (a missing one breaks `pantau` after
#: `pip install pantau`, not in an editable checkout).
RUNTIME_DATA = [
    "crawler/sources.toml",
    "pipeline/data/stopwords_id.txt",
    "pipeline/data/gazetteer_id.txt",
    "pipeline/data/region_words_id.txt",
    "pipeline/data/stem_lexicon_id.tsv.gz",
    "pipeline/demo/data/articles.jsonl",
    "models/artifacts/topic_model.skops",
    "models/MODEL_CARD.md",
    "models/data/labels.jsonl",
    "models/data/texts.jsonl.gz",
]


def _tracked_copy(dest: Path) -> Path:
    """Copy the tracked files (a build writes build/ and *.egg-info into its source tree)."""
    try:
        files = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    for name in files:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return dest


def test_wheel_contains_runtime_data_and_builds_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("setuptools", minversion="77", reason="dev extra pins setuptools>=77")
    src = _tracked_copy(tmp_path / "src")
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
    assert "would be ignored" not in res.stdout + res.stderr
    (wheel,) = (tmp_path / "dist").glob("pantau-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in RUNTIME_DATA if f not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert not any(n.startswith(("tests/", "notebooks/", "benchmarks/")) for n in names)
