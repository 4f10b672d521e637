"""Evaluate topic models on real held-out articles, next to a keyword-rule baseline.

The headline figures come from the ``test`` split of ``models/data/labels.jsonl``: real IndoSum
articles read and labelled by the guideline, never used for training or threshold choice. A
second table scores ``regional_test``: authored articles in Kalimantan regional-news style
(synthetic, written apart from the training and threshold sets), the only stand-in for the
target domain that the project may store.
Variants are retrained in the same run with ``pantau train``'s procedure, changing one thing
each: the threshold procedure, with/without synthetic examples, uncertain training items, weak
negatives or region words. Each is scored on all test items and on the certain test items only.
When ``second_annotation.jsonl`` exists, the independent second reading is scored against the
first like a system and Cohen's kappa is reported. The five seed articles are scored when
``../shared/seeds`` is present (gold from the guideline's table).

Example:
    python -m models.evaluate          # or: pantau evaluate
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.train import (
    DATA_DIR,
    Item,
    TrainConfig,
    fit_with_thresholds,
    load_items,
    warm_stems,
)
from pipeline.classify import TOPICS, TopicModel, doc_text, load_model
from pipeline.clean import clean_lines

#: ``../shared`` beside the project root; ``PANTAU_SHARED`` overrides (e.g. in a git worktree).
SHARED_DIR = Path(
    os.environ.get("PANTAU_SHARED") or Path(__file__).resolve().parents[1].parent / "shared"
)
CARD_PATH = Path(__file__).resolve().parent / "MODEL_CARD.md"

#: Gold labels of the seed articles, from the examples table of GUIDELINE.md, keyed by a phrase
#: of each article's title (the seed texts are publishers' copyright and stay in ../shared).
SEED_GOLD: dict[str, tuple[int, int, int]] = {
    "pulang pisau diminta": (0, 0, 1),
    "barsel komitmen": (1, 1, 0),
    "saatnya pelayanan publik": (0, 0, 1),
    "jemput bola": (0, 0, 0),
    "percepat peningkatan pelayanan publik": (1, 0, 0),
}

#: Keyword-rule baseline: a topic applies when its patterns match at least twice.
KEYWORD_RULES: dict[str, re.Pattern[str]] = {
    "kerja_sama": re.compile(
        r"\b(mou|memorandum of understanding|nota kesepahaman|perjanjian kerja ?sama|"
        r"penandatanganan kerja ?sama|kesepakatan bersama|letter of intent|pks)\b"
    ),
    "pungli": re.compile(
        r"\b(pungli|pungutan liar|suap|menyuap|disuap|gratifikasi|pemerasan|maladministrasi|"
        r"ott|operasi tangkap tangan|saber pungli|korupsi)\b"
    ),
    "digitalisasi": re.compile(
        r"\b(e-government|spbe|aplikasi|online|daring|digital|digitalisasi|website|situs|"
        r"e-ktp|smart city|satu data|elektronik)\b"
    ),
}
KEYWORD_MIN_HITS = 2


def keyword_predict(docs: Sequence[Mapping[str, str]]) -> np.ndarray:
    """0/1 matrix ``(n, topics)`` from the keyword rules."""
    out = np.zeros((len(docs), len(TOPICS)), dtype=int)
    for i, doc in enumerate(docs):
        text = doc_text(doc).lower()
        for j, topic in enumerate(TOPICS):
            out[i, j] = len(KEYWORD_RULES[topic].findall(text)) >= KEYWORD_MIN_HITS
    return out


@dataclass
class Scores:
    """Per-topic confusion counts and derived metrics for one system on one item set."""

    name: str
    n: int
    counts: dict[str, dict[str, int]]  # topic → tp, fp, fn, tn

    def prf(self, topic: str) -> tuple[float, float, float]:
        c = self.counts[topic]
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def cell(self, topic: str, strong: str = "**{}**") -> str:
        """``P / R / F1 (tp fp fn)`` for one topic; ``strong`` marks up the F1 (Markdown, Rich)."""
        p, r, f = self.prf(topic)
        c = self.counts[topic]
        return f"{p:.2f} / {r:.2f} / {strong.format(f'{f:.2f}')} ({c['tp']} {c['fp']} {c['fn']})"

    @property
    def macro_f1(self) -> float:
        return float(np.mean([self.prf(t)[2] for t in TOPICS]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n": self.n,
            "macro_f1": round(self.macro_f1, 4),
            "topics": {
                t: {
                    **self.counts[t],
                    **dict(
                        zip(
                            ("precision", "recall", "f1"),
                            (round(x, 4) for x in self.prf(t)),
                            strict=True,
                        )
                    ),
                }
                for t in TOPICS
            },
        }


def score(name: str, y_true: np.ndarray, y_pred: np.ndarray) -> Scores:
    """Confusion counts per topic."""
    counts = {}
    for j, t in enumerate(TOPICS):
        yt, yp = y_true[:, j].astype(bool), y_pred[:, j].astype(bool)
        counts[t] = {
            "tp": int((yt & yp).sum()),
            "fp": int((~yt & yp).sum()),
            "fn": int((yt & ~yp).sum()),
            "tn": int((~yt & ~yp).sum()),
        }
    return Scores(name, len(y_true), counts)


def model_predict(model: TopicModel, docs: Sequence[Mapping[str, str]]) -> np.ndarray:
    """0/1 decisions of a model at its thresholds."""
    proba = model.predict_proba(docs)
    thr = np.array([model.thresholds[t] for t in TOPICS])
    return (proba >= thr).astype(int)


def load_seeds(shared: Path = SHARED_DIR) -> list[tuple[str, dict[str, str], tuple[int, ...]]]:
    """The seed articles with their guideline gold: (file name, doc, gold); [] when absent."""
    seeds_dir = shared / "seeds"
    if not seeds_dir.is_dir():
        return []
    out = []
    for path in sorted(seeds_dir.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        low = raw.lower()
        key, gold = next(((k, g) for k, g in SEED_GOLD.items() if k in low), ("", None))
        if gold is not None:
            # The seeds are page-text dumps (ads, "Baca Juga", share prompts, the title
            # repeated): split off the title line (the guideline's table names it) and clean
            # the rest with the extractor's own line cleaner, as a crawled page would be.
            title = next(line.strip() for line in raw.splitlines() if key in line.lower())
            text = "\n\n".join(clean_lines(raw, title=title)[0])
            out.append((path.name, {"title": title, "text": text}, gold))
    return out


@dataclass
class Report:
    """Everything ``pantau evaluate`` prints."""

    test_all: list[Scores] = field(default_factory=list)
    test_certain: list[Scores] = field(default_factory=list)
    regional_test: list[Scores] = field(default_factory=list)
    weak_fp: dict[str, dict[str, int]] = field(default_factory=dict)  # system → topic → FPs
    n_weak: int = 0
    seeds: list[dict[str, Any]] = field(default_factory=list)
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    agreement: dict[str, dict[str, float]] = field(default_factory=dict)  # topic → n, kappa, …
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "test_all": [s.as_dict() for s in self.test_all],
            "test_certain": [s.as_dict() for s in self.test_certain],
            "regional_test": [s.as_dict() for s in self.regional_test],
            "weak_test_false_positives": self.weak_fp,
            "n_weak_test": self.n_weak,
            "seeds": self.seeds,
            "thresholds": self.thresholds,
            "agreement": self.agreement,
            "notes": self.notes,
        }


VARIANTS: dict[str, TrainConfig] = {
    "retrained: thresholds from real items only (cv)": TrainConfig(thresholds="cv"),
    "retrained: thresholds over real + synthetic items (cv-all)": TrainConfig(thresholds="cv-all"),
    "retrained: thresholds from dev split only": TrainConfig(thresholds="dev"),
    "retrained: no synthetic": TrainConfig(synthetic=False),
    "retrained: region words kept as features": TrainConfig(drop_region_words=False),
    "retrained: no uncertain training items": TrainConfig(uncertain=False),
    "retrained: no weak negatives": TrainConfig(weak_negatives=False),
}


def evaluate(
    data_dir: Path = DATA_DIR,
    model_path: Path | None = None,
    variants: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """Score the shipped model, the keyword baseline and retrained variants on the test split.

    Args:
        data_dir: Labelled data folder.
        model_path: Model file to evaluate (default: the shipped artifact).
        variants: Also retrain and score the with/without variants (slower).
        progress: Optional progress callback (stage, done, total).
    """
    items = load_items(data_dir)
    test = [it for it in items if it.split == "test"]
    certain = [i for i, it in enumerate(test) if not it.uncertain]
    weak = [it for it in items if it.split == "weak_test"]
    regional = [it for it in items if it.split == "regional_test"]
    y = np.array([it.y() for it in test])
    docs = [it.doc for it in test]
    weak_docs = [it.doc for it in weak]
    report = Report(n_weak=len(weak))
    report.notes.append(
        f"test: {len(test)} real IndoSum articles read and labelled ({len(certain)} certain); "
        f"weak_test: {len(weak)} IndoSum articles without topic keyword hits, NOT read "
        "(assumed negative: any positive there counts as a false positive)."
    )
    if regional:
        report.notes.append(
            f"regional_test: {len(regional)} authored articles in Kalimantan regional-news "
            "style, written for Pantau by a separate writer from the training and threshold "
            "sets, never used for training, thresholds or any choice. Synthetic: an indication "
            "of behaviour on regional news, not a measurement on real articles."
        )

    systems: list[tuple[str, Callable[[Sequence[Mapping[str, str]]], np.ndarray]]] = []
    systems.append(("keyword rules (baseline)", keyword_predict))
    shipped = load_model(model_path)
    report.thresholds[f"shipped {shipped.version}"] = dict(shipped.thresholds)
    systems.append((f"shipped model {shipped.version}", lambda d: model_predict(shipped, d)))
    if variants:
        warm_stems([it for it in items if it.split != "weak_test"], progress)
        for k, (name, cfg) in enumerate(VARIANTS.items()):
            if progress:
                progress(f"variants: retrain {name}", k, len(VARIANTS))
            pipe, thr, _ = fit_with_thresholds(items, cfg)
            model = TopicModel(pipeline=pipe, thresholds=thr, version=name)
            report.thresholds[name] = thr
            systems.append((name, lambda d, m=model: model_predict(m, d)))
        if progress:
            progress("variants: done", len(VARIANTS), len(VARIANTS))

    for name, fn in systems:
        pred = fn(docs)
        report.test_all.append(score(name, y, pred))
        report.test_certain.append(score(name, y[certain], pred[certain]))
        wpred = fn(weak_docs) if weak_docs else np.zeros((0, len(TOPICS)), dtype=int)
        report.weak_fp[name] = {t: int(wpred[:, j].sum()) for j, t in enumerate(TOPICS)}
        if regional:
            y_reg = np.array([it.y() for it in regional])
            report.regional_test.append(score(name, y_reg, fn([it.doc for it in regional])))

    second = load_second_annotation(data_dir)
    both = [i for i, it in enumerate(test) if it.id in second]
    if both:  # a second reading of (some) test articles
        y_b = np.array([[int(t in second[test[i].id]) for t in TOPICS] for i in both])
        name = "second annotator (independent reading, not a model)"
        report.test_all.append(score(name, y[both], y_b))
        cert = [k for k, i in enumerate(both) if not test[i].uncertain]
        report.test_certain.append(score(name, y[both][cert], y_b[cert]))
        report.agreement = agreement(y[both], y_b)
        report.notes.append(
            f"second annotator: {len(both)} test articles read again by an independent "
            "annotator who did not see the first labels (LLM-assisted, same guideline); "
            "scored against the first annotation like a system."
        )

    for fname, doc, gold in load_seeds():
        pred = shipped.predict([doc])[0]
        kw = keyword_predict([doc])[0]
        report.seeds.append(
            {
                "file": fname,
                "gold": [t for t, g in zip(TOPICS, gold, strict=True) if g],
                "model": pred.labels,
                "keywords": [t for t, k in zip(TOPICS, kw, strict=True) if k],
                "scores": {t: round(s, 3) for t, s in pred.scores.items()},
                "evidence": {
                    t: [w for w, _ in pred.evidence[t][:3]] for t in gold_or_pred(gold, pred.labels)
                },
            }
        )
    if not report.seeds:
        report.notes.append(f"seed articles not found at {SHARED_DIR / 'seeds'}: skipped")
    return report


def load_second_annotation(data_dir: Path = DATA_DIR) -> dict[str, list[str]]:
    """Second, independent labels of test items (``second_annotation.jsonl``); {} if absent."""
    path = data_dir / "second_annotation.jsonl"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {r["id"]: list(r["labels"]) for r in map(json.loads, fh)}


def agreement(y_a: np.ndarray, y_b: np.ndarray) -> dict[str, dict[str, float]]:
    """Per topic: items, positives by each annotator, raw agreement and Cohen's kappa."""
    from sklearn.metrics import cohen_kappa_score

    out = {}
    for j, t in enumerate(TOPICS):
        a, b = y_a[:, j], y_b[:, j]
        same = bool((a == b).all())
        out[t] = {
            "n": len(a),
            "positives_first": int(a.sum()),
            "positives_second": int(b.sum()),
            "agreement": round(float((a == b).mean()), 4),
            # kappa is undefined when both annotators give one constant label
            "kappa": 1.0 if same else round(float(cohen_kappa_score(a, b)), 4),
        }
    return out


def agreement_cells(a: Mapping[str, float]) -> list[str]:
    """Display cells of one topic's agreement: items, positives (1st / 2nd), raw, kappa."""
    return [
        str(a["n"]),
        f"{a['positives_first']} / {a['positives_second']}",
        f"{a['agreement']:.3f}",
        f"{a['kappa']:.2f}",
    ]


def gold_or_pred(gold: Sequence[int], labels: Sequence[str]) -> list[str]:
    """Topics worth showing evidence for: gold positives and predicted ones."""
    return [t for t, g in zip(TOPICS, gold, strict=True) if g or t in labels]


def items_summary(items: Sequence[Item]) -> dict[str, int]:
    """Positive counts per topic (for display)."""
    return {t: sum(t in it.labels for it in items) for t in TOPICS}


EVAL_BEGIN = "<!-- evaluation:begin (written by `pantau evaluate --write-card`) -->"
EVAL_END = "<!-- evaluation:end -->"


def _md_scores(scores: Sequence[Scores]) -> list[str]:
    head = (
        "| system | " + " | ".join(f"{t} P / R / F1 (tp fp fn)" for t in TOPICS) + " | macro-F1 |"
    )
    lines = [head, "|---" * (len(TOPICS) + 2) + "|"]
    for s in scores:
        cells = " | ".join(s.cell(t) for t in TOPICS)
        lines.append(f"| {s.name} | {cells} | **{s.macro_f1:.3f}** |")
    return lines


def report_markdown(report: Report) -> str:
    """The evaluation figures as Markdown (model card section)."""
    now = dt.datetime.now(dt.UTC)
    lines = [
        EVAL_BEGIN,
        f"## Evaluation (generated {now:%Y-%m-%d %H:%M} UTC by `pantau evaluate --write-card`)",
        "",
        *[f"- {n}" for n in report.notes],
        "",
        f"### Real held-out test split, all {report.test_all[0].n} items",
        "",
        *_md_scores(report.test_all),
        "",
        f"### Real held-out test split, {report.test_certain[0].n} certain items",
        "",
        *_md_scores(report.test_certain),
        "",
        *(
            [
                f"### Authored regional test set (synthetic), {report.regional_test[0].n} items",
                "",
                *_md_scores(report.regional_test),
                "",
            ]
            if report.regional_test
            else []
        ),
        f"### False positives on {report.n_weak} weak negatives (unread, no keyword hit)",
        "",
        "| system | " + " | ".join(TOPICS) + " |",
        "|---" * (len(TOPICS) + 1) + "|",
        *[
            f"| {name} | " + " | ".join(str(fp[t]) for t in TOPICS) + " |"
            for name, fp in report.weak_fp.items()
        ],
        "",
        *(
            [
                "### Agreement of two independent annotations (test split)",
                "",
                "| topic | items | positives (first / second) | raw agreement | Cohen's kappa |",
                "|---|---|---|---|---|",
                *[
                    f"| {t} | " + " | ".join(agreement_cells(a)) + " |"
                    for t, a in report.agreement.items()
                ],
                "",
            ]
            if report.agreement
            else []
        ),
        "### Thresholds",
        "",
        "| system | " + " | ".join(TOPICS) + " |",
        "|---" * (len(TOPICS) + 1) + "|",
        *[
            f"| {name} | " + " | ".join(f"{thr[t]:.4f}" for t in TOPICS) + " |"
            for name, thr in report.thresholds.items()
        ],
        "",
    ]
    if report.seeds:
        lines += [
            "### Seed articles (gold from GUIDELINE.md; texts stay in ../shared)",
            "",
            "| file | gold | model | keyword rules | scores |",
            "|---|---|---|---|---|",
        ]
        for s in report.seeds:
            scores = " ".join(f"{k}={v:.2f}" for k, v in s["scores"].items())
            lines.append(
                f"| {s['file']} | {', '.join(s['gold']) or '-'} | {', '.join(s['model']) or '-'} "
                f"| {', '.join(s['keywords']) or '-'} | {scores} |"
            )
    lines.append(EVAL_END)
    return "\n".join(lines)


def write_card(report: Report, card: Path = CARD_PATH) -> None:
    """Replace the generated evaluation section of the model card."""
    block = report_markdown(report)
    text = card.read_text(encoding="utf-8") if card.exists() else "# Topic model card\n\n"
    if EVAL_BEGIN in text and EVAL_END in text:
        head, rest = text.split(EVAL_BEGIN, 1)
        text = head + block + rest.split(EVAL_END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    card.write_text(text, encoding="utf-8")


def main() -> None:
    """Print the report as JSON."""
    print(json.dumps(evaluate().as_dict(), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
