"""Stemming accuracy of plain Sastrawi vs Pantau's :func:`pipeline.textnorm.stem`.

Gold sets (``../shared/data/stemming_gold/``, see its README):

* ``sastrawi-functional`` / ``sastrawi-integration``: PySastrawi's own test pairs. The
  functional pairs are checked upstream against a 127-root test dictionary, not the default
  one, so plain Sastrawi does not reach 100 % on them here.
* ``ud-csui`` / ``ud-gsd``: word → lemma types from UD Indonesian treebanks (news). Only
  alphabetic forms (hyphens allowed) are scored. Their lemmas follow their own conventions
  (e.g. GSD keeps some derivational affixes, proper nouns are their own lemma), so 100 % is
  not attainable by any Sastrawi-style stemmer; the ``affixed`` rows keep only types whose
  lemma differs from the form, which is where stemmers can be wrong in both directions.
* ``mpstemmer-nonstandard``: colloquial forms (``nyoba`` → ``coba``), an expected-failure set:
  neither stemmer handles informal prefixes.

Scores are type accuracy (each distinct word once) and token accuracy (weighted by the
treebank count). Pantau's joined outputs (``tanda_tangan``) are compared without underscores.

Usage::

    PYTHONPATH=. python -m models.eval_stemming [--shared ../shared] [--examples 15]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from pipeline import textnorm

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WORD_RE = re.compile(r"^[a-z]+(?:-[a-z]+)*$")


@dataclass
class Pair:
    """One gold item."""

    word: str
    gold: str
    count: int = 1
    affixed: bool = True


@dataclass
class Row:
    """Scores of one gold set."""

    name: str
    n: int
    tokens: int
    base_types: float
    ours_types: float
    base_tokens: float
    ours_tokens: float
    fixed: list[tuple[str, str, str, str, int]]
    broken: list[tuple[str, str, str, str, int]]


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_sets(shared: Path) -> dict[str, list[Pair]]:
    """Load every gold set as ``name -> pairs``.

    Args:
        shared: The ``shared`` folder beside the project.

    Returns:
        Ordered mapping of set name to its pairs.
    """
    gold = shared / "data" / "stemming_gold"
    sets: dict[str, list[Pair]] = {}
    for name, file in (
        ("sastrawi-functional", "sastrawi/sastrawi_functional_pairs.tsv"),
        ("sastrawi-integration", "sastrawi/sastrawi_integration_pairs.tsv"),
    ):
        sets[name] = [Pair(r["word"], r["expected_stem"]) for r in _read_tsv(gold / file)]
    for name, file in (
        ("ud-csui", "UD_Indonesian-CSUI/word_lemma_pairs.tsv"),
        ("ud-gsd", "UD_Indonesian-GSD/word_lemma_pairs.tsv"),
    ):
        pairs = [
            Pair(r["form_lower"], r["lemma_lower"], int(r["count"]), r["affixed"] == "1")
            for r in _read_tsv(gold / file)
            if WORD_RE.match(r["form_lower"]) and WORD_RE.match(r["lemma_lower"])
        ]
        sets[f"{name} (all)"] = pairs
        sets[f"{name} (affixed)"] = [p for p in pairs if p.affixed]
    sets["mpstemmer-nonstandard (xfail)"] = [
        Pair(r["word"], r["expected_stem"])
        for r in _read_tsv(gold / "mpstemmer_nonstandard/nonstandard_60_pairs.tsv")
    ]
    return sets


def score(
    name: str, pairs: list[Pair], base: Callable[[str], str], ours: Callable[[str], str]
) -> Row:
    """Score both stemmers on one set and collect the words whose correctness changed."""
    n_types = len(pairs)
    n_tokens = sum(p.count for p in pairs)
    bt = ot = btok = otok = 0
    fixed, broken = [], []
    for p in pairs:
        b = base(p.word)
        o = ours(p.word).replace("_", "")
        b_ok, o_ok = b == p.gold, o == p.gold
        bt += b_ok
        ot += o_ok
        btok += b_ok * p.count
        otok += o_ok * p.count
        if o_ok and not b_ok:
            fixed.append((p.word, p.gold, b, o, p.count))
        elif b_ok and not o_ok:
            broken.append((p.word, p.gold, b, o, p.count))
    return Row(
        name,
        n_types,
        n_tokens,
        bt / n_types,
        ot / n_types,
        btok / n_tokens,
        otok / n_tokens,
        sorted(fixed, key=lambda x: -x[4]),
        sorted(broken, key=lambda x: -x[4]),
    )


def render(rows: list[Row], examples: int) -> str:
    """Format the result table (Markdown) and the changed words."""
    lines = [
        "| gold set | types | Sastrawi (types) | Pantau (types) | Δ | Sastrawi (tokens) | Pantau (tokens) | fixed | broken |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.n} | {r.base_types:.1%} | {r.ours_types:.1%} | "
            f"{(r.ours_types - r.base_types) * 100:+.1f} pt | {r.base_tokens:.1%} | "
            f"{r.ours_tokens:.1%} | {len(r.fixed)} | {len(r.broken)} |"
        )
    if examples:
        for r in rows:
            if not (r.fixed or r.broken) or "(all)" in r.name:
                continue
            lines.append(f"\n{r.name}: word → gold | Sastrawi | Pantau (count)")
            for label, items in (("fixed", r.fixed), ("broken", r.broken)):
                shown = ", ".join(
                    f"{w}→{g} | {b} | {o} ({c})" for w, g, b, o, c in items[:examples]
                )
                lines.append(f"  {label} ({len(items)}): {shown or '-'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the before/after table; exit 2 when the gold data are absent."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--examples", type=int, default=12, help="changed words listed per set")
    args = parser.parse_args(argv)
    if not (args.shared / "data" / "stemming_gold").is_dir():
        print(f"stemming gold not found under {args.shared}", file=sys.stderr)
        return 2
    baseline = StemmerFactory().create_stemmer()

    def ours(word: str) -> str:
        # stem() takes normalised tokens; gold items may be capitalised or multi-word.
        return " ".join(textnorm.stem(t) for t in textnorm.tokenize(word))

    rows = [
        score(name, pairs, baseline.stem, ours) for name, pairs in load_sets(args.shared).items()
    ]
    print(render(rows, args.examples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
