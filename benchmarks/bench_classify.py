"""Benchmark the topic classifier: load time, cold stemming, articles/s on one core.

Measures, in a fresh process pinned to one CPU when possible:
1. model load time (read header, version check, skops rebuild);
2. first pass over N articles: normalise (cold Sastrawi stemming) + vectorise + predict;
3. steady state: M further, unseen articles (tokens seen before are not stemmed again) with
   evidence (``TopicModel.predict``); then the same M articles again without and with evidence,
   which isolates the cost of the evidence computation.

Articles come from ``models/data/texts.jsonl.gz`` (IndoSum, CC BY-SA 4.0), so the script
needs nothing outside the project.

Example:
    PYTHONPATH=. python benchmarks/bench_classify.py --cold 500 --warm 2000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _articles(n: int) -> list[dict[str, str]]:
    out = []
    with gzip.open(ROOT / "models" / "data" / "texts.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            out.append({"title": rec["title"], "text": rec["text"]})
            if len(out) >= n:
                break
    return out


def main() -> None:
    """Run the benchmark and print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=500, help="articles in the cold first pass")
    parser.add_argument("--warm", type=int, default=2000, help="articles in the warm pass")
    parser.add_argument("--batch", type=int, default=100, help="articles per predict call")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    docs = _articles(args.cold + args.warm)
    cold, warm = docs[: args.cold], docs[args.cold :]
    chars = sum(len(d["text"]) for d in docs) / len(docs)

    t0 = time.perf_counter()
    from pipeline.classify import load_model

    model = load_model()
    t_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    for i in range(0, len(cold), args.batch):
        model.predict(cold[i : i + args.batch])
    t_cold = time.perf_counter() - t0

    t0 = time.perf_counter()
    for i in range(0, len(warm), args.batch):
        model.predict(warm[i : i + args.batch])
    t_warm = time.perf_counter() - t0

    t0 = time.perf_counter()
    for i in range(0, len(warm), args.batch):
        model.predict_proba(warm[i : i + args.batch])
    t_proba = time.perf_counter() - t0

    t0 = time.perf_counter()
    for i in range(0, len(warm), args.batch):
        model.predict(warm[i : i + args.batch])
    t_again = time.perf_counter() - t0

    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else "?"
    print(f"python {platform.python_version()}, CPUs used: {cpus}, model {model.version}")
    print(f"articles: {len(docs)}, mean {chars:.0f} characters of body text")
    print(f"model load (import + version check + skops rebuild): {t_load:.2f} s")
    print(
        f"cold first pass ({len(cold)} articles, empty stem cache): {t_cold:.2f} s "
        f"= {len(cold) / t_cold:.0f} articles/s"
    )
    print(
        f"warm pass with evidence ({len(warm)} unseen articles): {t_warm:.2f} s "
        f"= {len(warm) / t_warm:.0f} articles/s"
    )
    print(
        f"warm pass, probabilities only ({len(warm)} articles): {t_proba:.2f} s "
        f"= {len(warm) / t_proba:.0f} articles/s (stem cache now holds these articles' tokens)"
    )
    print(
        f"same {len(warm)} articles again, with evidence: {t_again:.2f} s "
        f"= {len(warm) / t_again:.0f} articles/s (evidence cost = this minus the line above)"
    )


if __name__ == "__main__":
    main()
