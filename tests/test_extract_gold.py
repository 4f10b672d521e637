"""Targets of issue 4 on the shared gold pages and on Pantau's replicas (needs ../shared)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models.eval_extract import evaluate, load_aeb, load_indonesian, load_replicas, run_pantau
from pipeline import clean


def test_replicas_zero_leaks_titles_dates() -> None:
    table = evaluate(load_replicas(), {"pantau": run_pantau})
    s = table[("replicas", "ALL", "pantau")]
    assert s.leaks == 0, s.leak_names
    assert s.title_ok >= 0.95 * s.title_n
    assert s.date_ok >= 0.95 * s.date_n
    assert s.decision_ok == s.n
    assert s.f1 / s.n_articles >= 0.97


@pytest.mark.shared
def test_indonesian_gold_f1(shared_dir: Path) -> None:
    table = evaluate(load_indonesian(shared_dir), {"pantau": run_pantau})
    s = table[("indonesian", "ALL", "pantau")]
    assert s.f1 / s.n_articles >= 0.95
    assert s.leaks == 0, s.leak_names
    assert s.date_ok >= 0.95 * s.date_n
    assert s.title_ok >= 0.9 * s.title_n
    # Every listing page is recognised as not an article.
    listings = [c for c in load_indonesian(shared_dir) if not c.is_article]
    assert all(not run_pantau(c).is_article for c in listings)


@pytest.mark.shared
def test_aeb_not_below_plain_trafilatura(shared_dir: Path) -> None:
    table = evaluate(load_aeb(shared_dir))
    ours = table[("aeb", "ALL", "pantau")]
    plain = table[("aeb", "ALL", "trafilatura")]
    assert ours.f1 / ours.n_articles >= plain.f1 / plain.n_articles


SEED_RESIDUE = [
    r"^\W*iklan\W*$",
    r"baca juga",
    r"print friendly",
    r"^\W*tag\W*$",
    r"leave a reply",
    r"please enter your",
    r"dibaca \d+ kali",
    r"^\W*\d+\W*$",
    r"merupakan salah satu kontributor",
    r"berita lainnya|berita terbaru|radio corner",
    r"sebarkan artikel ini",
]


@pytest.mark.shared
def test_seed_texts_lose_their_residue_but_keep_dateline_and_credit(shared_dir: Path) -> None:
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("no seed texts in ../shared/seeds")
    credits = []
    for path in seeds:
        raw = path.read_text("utf-8")
        title = next(line for line in raw.splitlines() if line.strip())
        lines, _ = clean.clean_lines(raw, title)
        text = "\n".join(lines)
        for pattern in SEED_RESIDUE:
            assert not re.search(pattern, text, re.IGNORECASE | re.MULTILINE), (path.name, pattern)
        credits.append(clean.find_credit(lines))
    joined = "\n".join(path.read_text("utf-8") for path in seeds)
    if "(MC. Pulang Pisau/Ayu" in joined:
        assert "MC. Pulang Pisau/Ayu Reporter Radio H2FM" in credits
    if "MC Kalsel/Jml/YIN" in joined:
        assert "MC Kalsel/Jml/YIN" in credits
