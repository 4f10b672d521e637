"""Generate ``stem_lexicon_id.tsv.gz``: precomputed stems of frequent Indonesian news words.

Sastrawi needs ~0.1 ms to stem a word it has not seen in this process, and a nightly run
starts with an empty cache: stemming new words dominated the classifier's cost. The lexicon
holds the stems of words seen at least ``--min-count`` times in the *training split* of the
project's labelled data (``models/data``), computed by the current rules
(:func:`pipeline.textnorm._stem_uncached`). It changes no result: ``textnorm`` uses it only
while its recorded rules fingerprint equals the current one (a test enforces that the shipped
file is current), and benchmarks measure speed on articles outside that split.

Only the word types and their stems are stored, no text. Source words: IndoSum (CC BY-SA 4.0)
and Pantau's authored articles; see ``data/README.md``. Run from the project root after any
change to the stemming rules or the labelled data (output is committed)::

    python pipeline/data/make_stem_lexicon.py
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

from pipeline import textnorm

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "models" / "data"


def training_texts(data_dir: Path = DATA) -> list[str]:
    """Title + text of every item in the training split (never dev or test)."""
    with (data_dir / "labels.jsonl").open(encoding="utf-8") as fh:
        train = {r["id"] for r in map(json.loads, fh) if r["split"] == "train"}
    out = []
    with gzip.open(data_dir / "texts.jsonl.gz", "rt", encoding="utf-8") as fh:
        for rec in map(json.loads, fh):
            if rec["id"] in train:
                out.append(f"{rec['title']}\n{rec['text']}")
    return out


def build(texts: list[str], min_count: int) -> dict[str, str]:
    """Stem every token seen at least ``min_count`` times, with the lexicon switched off."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(textnorm.normalize(text, stemming=False))
    textnorm.use_stem_lexicon(False)
    try:
        return {tok: textnorm.stem(tok) for tok, n in counts.items() if n >= min_count}
    finally:
        textnorm.use_stem_lexicon(True)


def write(table: dict[str, str], path: Path) -> None:
    """Write the lexicon: header with the rules fingerprint, then sorted entries."""
    lines = [f"# stem-rules {textnorm.stem_rules_fingerprint()}\n"]
    lines += [tok + ("\n" if root == tok else f"\t{root}\n") for tok, root in sorted(table.items())]
    # mtime 0: rebuilding with the same inputs gives a byte-identical file.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write("".join(lines).encode("utf-8"))


def main() -> None:
    """Build and write the lexicon; print its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=1, help="keep tokens seen this often")
    parser.add_argument("--out", type=Path, default=textnorm.STEM_LEXICON_PATH)
    args = parser.parse_args()
    table = build(training_texts(), args.min_count)
    write(table, args.out)
    changed = sum(1 for tok, root in table.items() if tok != root)
    print(
        f"{args.out}: {len(table):,} tokens ({changed:,} with a different stem), "
        f"{args.out.stat().st_size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
