"""Topic classifier inference: load the shipped model once, predict calibrated topic scores.

The model is a scikit-learn ``Pipeline`` (TF-IDF over Sastrawi-stemmed tokens from
:class:`pipeline.textnorm.Normalizer` → one calibrated logistic regression per topic) saved with
skops together with a small JSON header (versions, thresholds, model version). Labels follow
``../shared/annotation/GUIDELINE.md``.

Example:
    >>> from pipeline.classify import load_model
    >>> model = load_model()
    >>> pred = model.predict([{"title": "Pemkab teken MoU", "text": "..."}])[0]
    >>> pred.labels, pred.scores["kerja_sama"], pred.evidence["kerja_sama"][:3]
"""

from __future__ import annotations

import hashlib
import json
import threading
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops
import skops.io as sio
from sklearn.pipeline import Pipeline

TOPICS: tuple[str, ...] = ("kerja_sama", "pungli", "digitalisasi")

#: Bump when the layout of the saved file (header keys, pipeline step names) changes.
MODEL_FORMAT = 1
HEADER_NAME = "pantau_model.json"
DEFAULT_MODEL_PATH = (
    Path(__file__).resolve().parents[1] / "models" / "artifacts" / "topic_model.skops"
)
EVIDENCE_TOP_K = 5

#: Normalised at training and at load time: if the tokens differ, the text normaliser changed
#: since training (new stemming fixes, phrases, place names) and the model should be retrained.
NORMALIZER_PROBE = (
    "Pemkab Kutai dan Ombudsman menyepakati kerja sama dan nota kesepahaman pencegahan pungutan "
    "liar; kesepakatan dibantah. Layanan e-KTP berbasis online di Tarakan, Kediri dan Pulpis, "
    "pegawai bermalas-malasan, transformasi digital pelayanan publik."
)

#: Types skops may rebuild beyond its built-in safe list (which already covers Pipeline,
#: FeatureUnion, TfidfVectorizer, LogisticRegression, OneVsRestClassifier, numpy arrays, …).
#: Listed explicitly, never ``trusted=True``: any other type in a model file makes loading fail.
TRUSTED_TYPES: tuple[str, ...] = (
    "pipeline.classify.StemTokenizer",
    "pipeline.classify.StemJoiner",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    # Fitted by OneVsRestClassifier for a topic without positives (tiny training sets).
    "sklearn.multiclass._ConstantPredictor",
)


class ModelVersionError(RuntimeError):
    """The model file was written by other library versions or another model format."""


class StemTokenizer:
    """TF-IDF tokenizer: text → Sastrawi-stemmed tokens via :class:`pipeline.textnorm.Normalizer`.

    Stateless on purpose: the saved model holds only this class name, so the normaliser (and
    its stemming cache) is built once per process and improvements to ``textnorm`` apply
    without re-serialising its internals.
    """

    def __call__(self, text: str) -> list[str]:
        return get_normalizer()(text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StemTokenizer)

    def __hash__(self) -> int:
        return hash(StemTokenizer)


class StemJoiner:
    """TF-IDF preprocessor for character n-grams: text → stemmed tokens joined by spaces."""

    def __call__(self, text: str) -> str:
        return " ".join(get_normalizer()(text))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StemJoiner)

    def __hash__(self) -> int:
        return hash(StemJoiner)


@lru_cache(maxsize=1)
def get_normalizer() -> Any:
    """The process-wide :class:`pipeline.textnorm.Normalizer` (its stem cache is shared)."""
    from pipeline.textnorm import Normalizer

    return Normalizer()


def doc_text(doc: Mapping[str, Any]) -> str:
    """Join title and body the same way for training and inference."""
    title = doc.get("title") or ""
    text = doc.get("text") or ""
    return f"{title}\n\n{text}" if title else text


@dataclass
class Prediction:
    """Topic decision for one article.

    Attributes:
        scores: Calibrated probability per topic, in [0, 1].
        labels: Topics whose score is ≥ that topic's threshold, in ``TOPICS`` order.
        evidence: Per topic, the top contributing terms as ``(term, weight)``, weight =
            logistic-regression coefficient × the term's tf-idf value in this article
            (positive = pushes towards the topic), largest first.
    """

    scores: dict[str, float]
    labels: list[str]
    evidence: dict[str, list[tuple[str, float]]] = field(default_factory=dict)


@dataclass
class TopicModel:
    """A loaded topic model: fitted pipeline, per-topic thresholds and its header."""

    pipeline: Pipeline
    thresholds: dict[str, float]
    version: str
    header: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._coef, self._names = linear_weights(self.pipeline)

    def predict_proba(self, docs: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Calibrated probabilities, shape ``(len(docs), len(TOPICS))``."""
        if not docs:
            return np.zeros((0, len(TOPICS)))
        return self.pipeline.predict_proba([doc_text(d) for d in docs])

    def predict(
        self, docs: Sequence[Mapping[str, Any]], top_k: int = EVIDENCE_TOP_K
    ) -> list[Prediction]:
        """Score articles and explain each topic score.

        Args:
            docs: Mappings with ``"title"`` and ``"text"``.
            top_k: Evidence terms kept per topic.

        Returns:
            One :class:`Prediction` per doc, in input order.
        """
        if not docs:
            return []
        texts = [doc_text(d) for d in docs]
        features = self.pipeline[:-1].transform(texts).tocsr()
        proba = np.clip(self.pipeline[-1].predict_proba(features), 0.0, 1.0)
        thr = np.array([self.thresholds[t] for t in TOPICS])
        out = []
        for i in range(len(texts)):
            # Walk the CSR row directly: slicing a sparse row per article is slow.
            lo, hi = features.indptr[i], features.indptr[i + 1]
            idx, vals = features.indices[lo:hi], features.data[lo:hi]
            contrib = vals * self._coef[:, idx]  # (topics, terms in this article)
            evidence: dict[str, list[tuple[str, float]]] = {}
            for j, topic in enumerate(TOPICS):
                row = contrib[j]
                k = min(top_k, row.size)
                top = np.argpartition(-row, k - 1)[:k] if k else np.array([], dtype=int)
                top = top[np.argsort(-row[top])]
                evidence[topic] = [
                    (str(self._names[idx[m]]), round(float(row[m]), 4)) for m in top if row[m] > 0
                ]
            out.append(
                Prediction(
                    scores={t: float(proba[i, j]) for j, t in enumerate(TOPICS)},
                    labels=[t for j, t in enumerate(TOPICS) if proba[i, j] >= thr[j]],
                    evidence=evidence,
                )
            )
        return out


def linear_weights(pipe: Pipeline) -> tuple[np.ndarray, np.ndarray]:
    """Coefficient matrix ``(n_topics, n_features)`` and readable feature names.

    The calibrated classifiers use ``ensemble=False``: one logistic regression per topic fitted
    on all training data, whose coefficients explain the (monotone) calibrated score.
    """
    names = np.array(
        [n.split("__", 1)[-1] for n in pipe[:-1].get_feature_names_out()], dtype=object
    )
    ovr = pipe[-1]
    coef = np.zeros((len(ovr.estimators_), len(names)))
    for j, est in enumerate(ovr.estimators_):
        base = getattr(est, "calibrated_classifiers_", None)
        if base:
            coef[j] = np.ravel(base[0].estimator.coef_)
        elif hasattr(est, "coef_"):
            coef[j] = np.ravel(est.coef_)
        # _ConstantPredictor (a topic without positives): zero weights, no evidence.
    return coef, names


class NormalizerChangedWarning(UserWarning):
    """The text normaliser tokenises differently from when the model was trained."""


def normalizer_fingerprint() -> str:
    """Short hash of the current normaliser's tokens for :data:`NORMALIZER_PROBE`."""
    tokens = get_normalizer()(NORMALIZER_PROBE)
    return hashlib.sha256(json.dumps(tokens).encode()).hexdigest()[:16]


def library_versions() -> dict[str, Any]:
    """Versions that must match between the writer and the reader of a model file."""
    return {"sklearn": sklearn.__version__, "skops": skops.__version__, "format": MODEL_FORMAT}


def save_model(
    pipe: Pipeline,
    thresholds: Mapping[str, float],
    path: str | Path,
    version: str,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write a fitted pipeline plus header (versions, thresholds) as one skops file.

    The header is an extra JSON member of the skops zip archive, so it can be checked before
    any object is rebuilt.

    Returns:
        The written path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = {
        **library_versions(),
        "version": version,
        "topics": list(TOPICS),
        "thresholds": {t: float(thresholds[t]) for t in TOPICS},
        "normalizer_fingerprint": normalizer_fingerprint(),
        **(dict(extra) if extra else {}),
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    sio.dump(pipe, tmp, compression=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(tmp, "a") as zf:
        zf.writestr(HEADER_NAME, json.dumps(header, indent=2, ensure_ascii=False))
    tmp.replace(path)
    return path


def read_header(path: str | Path) -> dict[str, Any]:
    """Read a model file's JSON header without rebuilding any object.

    Raises:
        ModelVersionError: The file is not a Pantau model file.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            return json.loads(zf.read(HEADER_NAME))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise ModelVersionError(
            f"{path} is not a Pantau topic-model file (no {HEADER_NAME} header): {exc}"
        ) from exc


def check_versions(header: Mapping[str, Any], path: str | Path = "<model>") -> None:
    """Refuse a model written with another scikit-learn / skops / model-format version.

    Raises:
        ModelVersionError: With both version sets and how to fix it.
    """
    here = library_versions()
    names = {"sklearn": "scikit-learn", "skops": "skops", "format": "model format"}
    mismatched = [names[k] for k in here if header.get(k) != here[k]]
    if mismatched:
        theirs = ", ".join(f"{names[k]} {header.get(k)}" for k in here)
        ours = ", ".join(f"{names[k]} {here[k]}" for k in here)
        raise ModelVersionError(
            f"Model file {path} was written with {theirs}, but this environment has {ours} "
            f"(mismatch: {', '.join(mismatched)}). Unpickling across versions is unsafe; "
            "retrain with `pantau train` or install the versions the model was built with."
        )


_CACHE: dict[Path, TopicModel] = {}
_LOCK = threading.Lock()


def load_model(path: str | Path | None = None) -> TopicModel:
    """Load a topic model once per process (cached by resolved path).

    Args:
        path: A model file written by :func:`save_model`; default: the shipped artifact
            ``models/artifacts/topic_model.skops``.

    Raises:
        ModelVersionError: The file comes from other library versions or model format.
        FileNotFoundError: No such file.
    """
    resolved = Path(path or DEFAULT_MODEL_PATH).resolve()
    with _LOCK:
        if resolved in _CACHE:
            return _CACHE[resolved]
        if not resolved.is_file():
            raise FileNotFoundError(f"No topic model at {resolved}; run `pantau train`.")
        header = read_header(resolved)
        check_versions(header, resolved)
        pipe = sio.load(resolved, trusted=list(TRUSTED_TYPES))
        if header.get("normalizer_fingerprint") not in (None, normalizer_fingerprint()):
            # A warning, not an error: predictions still work, but tokens the model learned
            # may no longer be produced (e.g. after new stemming fixes).
            warnings.warn(
                f"Model {header['version']} was trained with a different text normaliser "
                "(pipeline.textnorm changed since); retrain with `pantau train`.",
                NormalizerChangedWarning,
                stacklevel=2,
            )
        model = TopicModel(
            pipeline=pipe,
            thresholds={t: float(header["thresholds"][t]) for t in TOPICS},
            version=str(header["version"]),
            header=header,
        )
        _CACHE[resolved] = model
        return model


def clear_cache() -> None:
    """Forget loaded models (after installing a new model version in the same process)."""
    with _LOCK:
        _CACHE.clear()
