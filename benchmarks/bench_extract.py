"""Speed of Pantau's extraction vs plain trafilatura on the same pages in the same run.

Pages: the replica articles and listings (always), plus the Indonesian and AEB gold pages
when ``../shared`` is present. Each system runs over all pages ``--rounds`` times, the two
interleaved round by round so machine noise hits both alike; the best round counts.

Run: ``PYTHONPATH=. python benchmarks/bench_extract.py [--rounds 3]``
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

import trafilatura

from models.eval_extract import Case, load_cases
from pipeline.extract import ExtractOptions, extract


def plain(case: Case) -> object:
    """Plain trafilatura with metadata, JSON output, as the baseline of the evaluation."""
    return trafilatura.extract(case.html, url=case.url, output_format="json", with_metadata=True)


def plain_precision(case: Case) -> object:
    """Plain trafilatura with favor_precision (the setting Pantau uses inside)."""
    return trafilatura.extract(
        case.html, url=case.url, output_format="json", with_metadata=True, favor_precision=True
    )


def pantau(case: Case) -> object:
    """Pantau's full extraction."""
    return extract(case.html, url=case.url, options=ExtractOptions())


def bench(
    pages: list[Case], systems: dict[str, Callable[[Case], object]], rounds: int
) -> dict[str, float]:
    """Best wall-clock seconds per system over ``rounds`` passes on ``pages``."""
    best = dict.fromkeys(systems, float("inf"))
    for _ in range(rounds):
        for name, fn in systems.items():
            t0 = time.perf_counter()
            for case in pages:
                fn(case)
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def main() -> None:
    """Print pages/s per system and Pantau's overhead."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--datasets", nargs="*", default=["replicas", "indonesian", "aeb"])
    args = parser.parse_args()
    pages = load_cases(args.datasets)
    systems = {"trafilatura": plain, "trafilatura+precision": plain_precision, "pantau": pantau}
    best = bench(pages, systems, args.rounds)
    n = len(pages)
    mb = sum(len(c.html) for c in pages) / 1e6
    print(f"{n} pages ({mb:.1f} MB), best of {args.rounds} rounds")
    for name, secs in best.items():
        print(f"{name:<24}{n / secs:8.1f} pages/s  ({secs:.2f} s)")
    overhead = best["pantau"] / best["trafilatura"] - 1
    print(f"pantau vs plain trafilatura: {overhead:+.0%} time")
    print(
        json.dumps({k: round(n / v, 2) for k, v in best.items()} | {"overhead": round(overhead, 3)})
    )


if __name__ == "__main__":
    main()
