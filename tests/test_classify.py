"""Topic classifier: save/load round trip, calibrated scores, thresholds, evidence, version guard."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from models.train import TrainConfig, build_pipeline, choose_thresholds
from pipeline.classify import (
    DEFAULT_MODEL_PATH,
    HEADER_NAME,
    TOPICS,
    ModelVersionError,
    NormalizerChangedWarning,
    TopicModel,
    load_model,
    save_model,
)

# A tiny corpus in the guideline's spirit: six positives per topic, six clean negatives.
KS = [
    "Pemkab {p} dan Ombudsman menandatangani nota kesepahaman (MoU) pelayanan publik.",
    "Bupati {p} teken perjanjian kerja sama dengan universitas negeri, MoU berlaku lima tahun.",
]
PG = [
    "Tim Saber Pungli menangkap oknum petugas {p} yang melakukan pungutan liar di pelabuhan.",
    "KPK menggelar operasi tangkap tangan terhadap pejabat {p} terkait suap perizinan.",
]
DG = [
    "Pemkot {p} meluncurkan aplikasi perizinan online dan layanan e-KTP digital untuk warga.",
    "Diskominfo {p} membangun website desa dan sistem pemerintahan berbasis elektronik SPBE.",
]
NEG = [
    "Tim sepak bola {p} menang 2-1 dalam laga kandang di stadion pada Minggu malam.",
    "Penyanyi asal {p} merilis album baru dan menggelar konser di Jakarta.",
]
PLACES = ["Katingan", "Kapuas", "Barito", "Tabalong", "Banjar", "Sampit"]


def tiny_corpus() -> tuple[list[dict[str, str]], np.ndarray]:
    docs, y = [], []
    for k, templates in enumerate((KS, PG, DG, NEG)):
        for i, place in enumerate(PLACES):
            text = templates[i % 2].format(p=place)
            docs.append({"title": text.split(",")[0][:40], "text": text})
            y.append([int(k == j) for j in range(len(TOPICS))])
    return docs, np.array(y)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[TopicModel, Path]:
    """A model trained on the tiny corpus, kept in memory and saved to a temp file."""
    docs, y = tiny_corpus()
    pipe = build_pipeline(TrainConfig(min_df=1))
    texts = [f"{d['title']}\n\n{d['text']}" for d in docs]
    pipe.fit(texts, y)
    thresholds = {"kerja_sama": 0.5, "pungli": 0.4, "digitalisasi": 0.6}
    path = tmp_path_factory.mktemp("model") / "tiny.skops"
    save_model(pipe, thresholds, path, version="test-1")
    return TopicModel(pipeline=pipe, thresholds=thresholds, version="test-1"), path


NEW_DOCS = [
    {
        "title": "MoU Pemkab Kapuas",
        "text": "Pemkab menandatangani nota kesepahaman dengan Ombudsman.",
    },
    {"title": "OTT KPK", "text": "KPK menangkap pejabat yang menerima suap dan pungutan liar."},
    {
        "title": "Aplikasi baru",
        "text": "Pemkot meluncurkan aplikasi perizinan online berbasis SPBE.",
    },
    {"title": "Konser", "text": "Penyanyi itu menggelar konser dan merilis album baru."},
    {"title": "", "text": ""},
]


def test_save_load_identical_predictions(tiny_model: tuple[TopicModel, Path]) -> None:
    in_memory, path = tiny_model
    loaded = load_model(path)
    assert loaded.version == "test-1"
    assert loaded.thresholds == in_memory.thresholds
    np.testing.assert_array_equal(loaded.predict_proba(NEW_DOCS), in_memory.predict_proba(NEW_DOCS))
    for a, b in zip(loaded.predict(NEW_DOCS), in_memory.predict(NEW_DOCS), strict=True):
        assert a == b
    # Cached once per process: the same object comes back.
    assert load_model(path) is loaded


def test_scores_are_probabilities_and_topics_separate(tiny_model: tuple[TopicModel, Path]) -> None:
    model, _ = tiny_model
    preds = model.predict(NEW_DOCS)
    assert len(preds) == len(NEW_DOCS)
    for pred in preds:
        assert set(pred.scores) == set(TOPICS)
        assert all(0.0 <= s <= 1.0 for s in pred.scores.values())
    # Each on-topic article scores highest on its own topic.
    for i, topic in enumerate(TOPICS):
        scores = preds[i].scores
        assert max(scores, key=scores.get) == topic, (topic, scores)


def test_labels_respect_per_topic_thresholds(tiny_model: tuple[TopicModel, Path]) -> None:
    model, _ = tiny_model
    for pred in model.predict(NEW_DOCS):
        assert pred.labels == [t for t in TOPICS if pred.scores[t] >= model.thresholds[t]]
    everything = TopicModel(model.pipeline, dict.fromkeys(TOPICS, 0.0), "all")
    nothing = TopicModel(model.pipeline, dict.fromkeys(TOPICS, 1.01), "none")
    assert all(p.labels == list(TOPICS) for p in everything.predict(NEW_DOCS))
    assert all(p.labels == [] for p in nothing.predict(NEW_DOCS))


def test_evidence_terms_come_from_the_article(tiny_model: tuple[TopicModel, Path]) -> None:
    model, _ = tiny_model
    pred = model.predict(NEW_DOCS[:1], top_k=3)[0]
    terms = pred.evidence["kerja_sama"]
    assert 1 <= len(terms) <= 3
    assert any(term in ("mou", "nota_kesepahaman", "ombudsman") for term, _ in terms), terms
    weights = [w for _, w in terms]
    assert all(w > 0 for w in weights)
    assert weights == sorted(weights, reverse=True)
    # An empty article has no evidence at all.
    empty = model.predict(NEW_DOCS[-1:])[0]
    assert all(v == [] for v in empty.evidence.values())


def test_empty_batch_and_threshold_choice() -> None:
    _, y = tiny_corpus()
    assert choose_thresholds(y, y.astype(float))["pungli"] == 1.0
    model = load_model(DEFAULT_MODEL_PATH)
    assert model.predict([]) == []


def _rewrite_header(src: Path, dst: Path, **changes: object) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == HEADER_NAME:
                header = json.loads(data)
                header.update(changes)
                data = json.dumps(header).encode()
            zout.writestr(info, data)


def test_other_library_version_is_refused(
    tiny_model: tuple[TopicModel, Path], tmp_path: Path
) -> None:
    _, path = tiny_model
    old = tmp_path / "old_sklearn.skops"
    _rewrite_header(path, old, sklearn="1.4.2")
    with pytest.raises(
        ModelVersionError, match=r"scikit-learn 1\.4\.2.*retrain with `pantau train`"
    ):
        load_model(old)
    other_format = tmp_path / "old_format.skops"
    _rewrite_header(path, other_format, format=0)
    with pytest.raises(ModelVersionError, match="format"):
        load_model(other_format)


def test_changed_normalizer_warns(tiny_model: tuple[TopicModel, Path], tmp_path: Path) -> None:
    _, path = tiny_model
    other = tmp_path / "other_normalizer.skops"
    _rewrite_header(path, other, normalizer_fingerprint="0" * 16)
    with pytest.warns(NormalizerChangedWarning, match="retrain"):
        model = load_model(other)
    assert model.predict(NEW_DOCS[:1])[0].scores


def test_non_model_file_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.skops"
    bogus.write_bytes(b"not a zip at all")
    with pytest.raises(ModelVersionError, match="not a Pantau topic-model file"):
        load_model(bogus)
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.skops")


def test_shipped_model_loads_and_separates_obvious_cases() -> None:
    model = load_model()
    assert model is load_model(DEFAULT_MODEL_PATH)
    assert model.version and set(model.thresholds) == set(TOPICS)
    preds = model.predict(
        [
            {
                "title": "KPK Tetapkan Bupati Tersangka Suap",
                "text": "Komisi Pemberantasan Korupsi (KPK) menetapkan bupati sebagai tersangka "
                "kasus suap perizinan setelah operasi tangkap tangan. Uang suap ratusan juta "
                "rupiah diduga diberikan kontraktor agar proyek dinas dimenangkan. Tim Saber "
                "Pungli juga menemukan pungutan liar dalam pelayanan izin.",
            },
            {
                "title": "Persib Menang Tipis atas Arema",
                "text": "Persib Bandung menang 1-0 atas Arema FC dalam lanjutan Liga 1 di "
                "Stadion Gelora Bandung Lautan Api. Gol tunggal dicetak pada menit ke-70.",
            },
        ]
    )
    assert "pungli" in preds[0].labels, preds[0].scores
    assert preds[1].labels == [], preds[1].scores
    assert preds[0].evidence["pungli"], "no evidence terms for a clear pungli article"


class ForeignTokenizer:
    """A type that is not on the trusted list: a model file carrying it must not load."""

    def __call__(self, text: str) -> list[str]:
        return text.lower().split()


def _fit_tiny(cfg: TrainConfig) -> object:
    docs, y = tiny_corpus()
    pipe = build_pipeline(cfg)
    pipe.fit([f"{d['title']}\n\n{d['text']}" for d in docs], y)
    return pipe


def test_untrusted_type_in_model_file_is_refused(tmp_path: Path) -> None:
    from skops.io.exceptions import UntrustedTypesFoundException

    pipe = _fit_tiny(TrainConfig(min_df=1))
    pipe.set_params(features__word__tokenizer=ForeignTokenizer())
    path = save_model(pipe, dict.fromkeys(TOPICS, 0.5), tmp_path / "foreign.skops", "x")
    with pytest.raises(UntrustedTypesFoundException, match="ForeignTokenizer"):
        load_model(path)


def test_char_ngram_model_round_trip(tmp_path: Path) -> None:
    pipe = _fit_tiny(TrainConfig(min_df=1, char_ngrams=True))
    path = save_model(pipe, dict.fromkeys(TOPICS, 0.5), tmp_path / "char.skops", "char-1")
    loaded = load_model(path)
    in_memory = TopicModel(pipe, dict.fromkeys(TOPICS, 0.5), "char-1")
    np.testing.assert_array_equal(loaded.predict_proba(NEW_DOCS), in_memory.predict_proba(NEW_DOCS))
    # Character n-gram features can be evidence too (names without the "char__" prefix).
    assert loaded.predict(NEW_DOCS[:1])[0].evidence["kerja_sama"]
