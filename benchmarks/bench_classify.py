"""Benchmark the topic classifier: load time, cold stemming, articles/s on one core.

Measures, in one process pinned to one CPU when possible:
1. model load time (read header, version check, skops rebuild);
2. a *cold* pass, as in a nightly run: normalise + stem + vectorise + predict with evidence
   over articles this process has never seen, with an empty stem cache — once without the
   shipped stem lexicon (every new word goes through Sastrawi) and once with it;
3. the same articles again (warm stem cache), with and without evidence.

Articles are the items of ``models/data`` that are **not** in the training split (dev, test,
weak_test: IndoSum, CC BY-SA 4.0). The stem lexicon is built from the training split only, so
its words are not these articles' words by construction; figures on text from other domains
(regional news) will differ.

Example:
    PYTHONPATH=. python benchmarks/bench_classify.py --batch 100 --repeat 3
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "models" / "data"


def _held_out_articles(limit: int) -> list[dict[str, str]]:
    with (DATA / "labels.jsonl").open(encoding="utf-8") as fh:
        held_out = {r["id"] for r in map(json.loads, fh) if r["split"] != "train"}
    out = []
    with gzip.open(DATA / "texts.jsonl.gz", "rt", encoding="utf-8") as fh:
        for rec in map(json.loads, fh):
            if rec["id"] in held_out and not rec["id"].startswith("syn"):
                out.append({"title": rec["title"], "text": rec["text"]})
    return out[:limit] if limit else out


def _timed(
    fn: Callable[[list[dict[str, str]]], object],
    docs: list,
    batch: int,
    repeat: int,
    reset: Callable[[], None] = lambda: None,
) -> tuple[float, float]:
    """Best (wall, CPU) seconds of ``repeat`` runs; ``reset`` runs before each (untimed)."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        reset()
        w0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, len(docs), batch):
            fn(docs[i : i + batch])
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def main() -> None:
    """Run the benchmark and print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles")
    parser.add_argument("--batch", type=int, default=100, help="articles per predict call")
    parser.add_argument("--repeat", type=int, default=3, help="report the best of N runs")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    docs = _held_out_articles(args.limit)
    chars = sum(len(d["text"]) for d in docs) / len(docs)

    t0 = time.perf_counter()
    from pipeline import textnorm
    from pipeline.classify import load_model

    model = load_model()
    t_load = time.perf_counter() - t0

    rows = []
    for lexicon in (False, True):
        textnorm.use_stem_lexicon(lexicon)  # also empties the stem cache
        t0 = time.perf_counter()
        size = len(textnorm._lexicon())
        t_lex = time.perf_counter() - t0

        def reset(lexicon: bool = lexicon) -> None:
            textnorm.use_stem_lexicon(lexicon)
            textnorm._lexicon()  # load time is reported separately

        t_cold = _timed(model.predict, docs, args.batch, args.repeat, reset)
        vocab = {t for d in docs for t in textnorm.normalize(d["text"], stemming=False)}
        to_sastrawi = len(vocab - textnorm._lexicon().keys())
        label = f"cold, stem lexicon {'on' if lexicon else 'off'}"
        if lexicon:
            label += f" ({size:,} words, loaded in {t_lex * 1000:.0f} ms)"
        note = f"{to_sastrawi / len(docs):.1f} new words/article sent to Sastrawi"
        rows.append((label, t_cold, note))
    warm_proba = _timed(model.predict_proba, docs, args.batch, args.repeat)
    rows.append(("warm, probabilities only", warm_proba, ""))
    rows.append(("warm, with evidence", _timed(model.predict, docs, args.batch, args.repeat), ""))

    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else "?"
    print(f"python {platform.python_version()}, CPUs used: {cpus}, model {model.version}")
    print(f"articles: {len(docs)} held-out (not training split), mean {chars:.0f} characters")
    print(f"model load (import + version check + skops rebuild): {t_load:.2f} s")
    print()
    print(f"best of {args.repeat} runs; CPU = process time (what one core does when not shared)")
    print()
    print(
        "| pass (normalise + stem + vectorise + predict) | wall s | articles/s (wall) "
        "| articles/s (CPU) | note |"
    )
    print("|---|---:|---:|---:|---|")
    for label, (wall, cpu), note in rows:
        n = len(docs)
        print(f"| {label} | {wall:.2f} | {n / wall:,.0f} | {n / cpu:,.0f} | {note} |")


if __name__ == "__main__":
    main()
