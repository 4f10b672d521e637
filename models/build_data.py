"""Build ``models/data/labels.jsonl`` and ``models/data/texts.jsonl.gz`` from annotation batches.

Provenance script: it records how the project's labelled data was assembled from the
annotation work files (LLM-assisted labelling of IndoSum articles following
``../shared/annotation/GUIDELINE.md``, plus authored synthetic examples). Re-running it with the
same inputs gives byte-identical outputs (fixed seed, sorted ids).

Example:
    python -m models.build_data --labels /work/labelwork/L*/labels.jsonl \
        --synthetic /work/labelwork/S1/synthetic.jsonl /work/labelwork/S2/synthetic.jsonl \
            /work/labelwork/S3[abc]/synthetic.jsonl \
        --regional-dev /work/labelwork/S3d/synthetic.jsonl \
        --regional-test /work/labelwork/S3e/synthetic.jsonl \
        --second-annotation /work/labelwork/A2[abc]/labels.jsonl \
        --corpus ../shared/data/corpora/indosum_dev/indosum_dev_unique.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections import Counter
from pathlib import Path

from pipeline.classify import TOPICS

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = 20261122
# Fractions of the *read* real articles; synthetic items always go to train.
TEST_FRACTION = 0.30
DEV_FRACTION = 0.20
# Share of weak negatives (unread, no keyword hit) held out to measure false-positive rates.
WEAK_TEST_FRACTION = 0.20


def _strata_key(rec: dict) -> str:
    """Stratify on the rarest positive label so every split gets its share of each topic."""
    for topic in ("digitalisasi", "kerja_sama", "pungli"):
        if rec[topic]:
            return f"{topic}:{int(rec['uncertain'])}"
    return f"none:{int(rec['uncertain'])}"


def _split_stratified(ids_by_key: dict[str, list[str]], rng: random.Random) -> dict[str, str]:
    split: dict[str, str] = {}
    for key in sorted(ids_by_key):
        ids = sorted(ids_by_key[key])
        rng.shuffle(ids)
        n = len(ids)
        n_test = round(n * TEST_FRACTION)
        n_dev = round(n * DEV_FRACTION)
        # Keep at least one item of every stratum in train when it has ≥ 3 items.
        for i, doc_id in enumerate(ids):
            split[doc_id] = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
    return split


def build(
    label_files: list[Path],
    synthetic_files: list[Path],
    corpus_file: Path,
    out_dir: Path,
    held_out: dict[str, list[Path]] | None = None,
    second_annotation: list[Path] | None = None,
) -> None:
    """Write labels.jsonl (one record per item) and texts.jsonl.gz (id, title, text).

    Args:
        label_files: Annotations of IndoSum articles (split into train/dev/test here).
        synthetic_files: Authored articles for training (split ``train``).
        corpus_file: The IndoSum corpus (texts; unread articles become weak negatives).
        out_dir: Output folder.
        held_out: Authored sets that keep their own split name and are never trained on,
            e.g. ``{"regional_dev": [...], "regional_test": [...]}``.
        second_annotation: Independent second labels of already-read articles (same record
            format as ``label_files``), written to ``second_annotation.jsonl`` for the
            agreement figure; never used for training.
    """
    corpus = {}
    with corpus_file.open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            corpus[doc["id"]] = doc
    read: dict[str, dict] = {}
    for path in label_files:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                read[rec["id"]] = rec
    synthetic: list[tuple[dict, str]] = []
    for split_name, files in [("train", synthetic_files), *(held_out or {}).items()]:
        for synthetic_file in files:
            with synthetic_file.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        synthetic.append((json.loads(line), split_name))

    rng = random.Random(SEED)
    by_key: dict[str, list[str]] = {}
    for doc_id, rec in read.items():
        by_key.setdefault(_strata_key(rec), []).append(doc_id)
    split = _split_stratified(by_key, rng)
    weak_ids = sorted(set(corpus) - set(read))
    rng.shuffle(weak_ids)
    n_weak_test = round(len(weak_ids) * WEAK_TEST_FRACTION)
    weak_split = {d: ("weak_test" if i < n_weak_test else "train") for i, d in enumerate(weak_ids)}

    labels_out, texts_out = [], []
    for doc_id in sorted(read):
        rec, doc = read[doc_id], corpus[doc_id]
        labels_out.append(
            {
                "id": doc_id,
                "source": doc["source"],
                "origin": "indosum",
                "labels": [t for t in TOPICS if rec[t]],
                "uncertain": bool(rec["uncertain"]),
                "note": rec.get("reason", ""),
                "split": split[doc_id],
            }
        )
    for doc_id in sorted(weak_ids):
        doc = corpus[doc_id]
        labels_out.append(
            {
                "id": doc_id,
                "source": doc["source"],
                "origin": "indosum",
                "labels": [],
                "uncertain": False,
                "note": "weak negative (no keyword hit, not read)",
                "split": weak_split[doc_id],
            }
        )
    for doc_id in sorted(set(read) | set(weak_ids)):
        doc = corpus[doc_id]
        # IndoSum has no titles; the URL slug is a (truncated) title.
        title = doc.get("title") or doc["slug"].replace("-", " ")
        texts_out.append({"id": doc_id, "title": title, "text": doc["text"]})
    for rec, split_name in sorted(synthetic, key=lambda pair: pair[0]["id"]):
        labels_out.append(
            {
                "id": rec["id"],
                "source": "pantau-authored",
                "origin": "synthetic",
                "labels": [t for t in TOPICS if rec.get(t)],
                "uncertain": bool(rec.get("uncertain")),
                "note": rec.get("note", ""),
                "split": split_name,
            }
        )
        texts_out.append({"id": rec["id"], "title": rec["title"], "text": rec["text"]})

    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "labels.jsonl").open("w", encoding="utf-8") as fh:
        for rec in labels_out:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    # mtime=0 keeps the gzip byte-identical across rebuilds (stable training-data hash).
    with (
        open(out_dir / "texts.jsonl.gz", "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
    ):
        for rec in texts_out:
            gz.write((json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8"))
    if second_annotation:
        second = []
        for path in second_annotation:
            with path.open(encoding="utf-8") as fh:
                second += [json.loads(line) for line in fh if line.strip()]
        unknown = sorted({r["id"] for r in second} - set(read))
        if unknown:
            raise SystemExit(f"second annotation of unread articles: {unknown[:5]}")
        with (out_dir / "second_annotation.jsonl").open("w", encoding="utf-8") as fh:
            for rec in sorted(second, key=lambda r: r["id"]):
                out = {
                    "id": rec["id"],
                    "labels": [t for t in TOPICS if rec[t]],
                    "uncertain": bool(rec.get("uncertain")),
                    "note": rec.get("reason", ""),
                }
                fh.write(json.dumps(out, ensure_ascii=False) + "\n")
    counts = Counter(
        (r["origin"], r["split"], lab) for r in labels_out for lab in (r["labels"] or ["none"])
    )
    for key in sorted(counts):
        print(*key, counts[key])


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", nargs="+", type=Path, required=True)
    parser.add_argument("--synthetic", nargs="+", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--regional-dev", nargs="*", type=Path, default=[])
    parser.add_argument("--regional-test", nargs="*", type=Path, default=[])
    parser.add_argument("--second-annotation", nargs="*", type=Path, default=[])
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args()
    held_out = {"regional_dev": args.regional_dev, "regional_test": args.regional_test}
    build(args.labels, args.synthetic, args.corpus, args.out, held_out, args.second_annotation)


if __name__ == "__main__":
    main()
