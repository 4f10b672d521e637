"""Crawl overhead: a full crawl of a 1,000-article replica with politeness delays off.

    PYTHONPATH=. python benchmarks/bench_crawl.py [--articles 1000]

The replica (MMCKalteng layout, 12 stories a listing page) is served from a separate process so
the CPU time measured here is the crawler's alone: Scrapy, the Pantau spider and middlewares,
and building the raw-page items (the sink only counts them). Prints pages/s and CPU ms per page.
Per-host concurrency stays at the hard cap of 2; the production DOWNLOAD_DELAY (1 s, AutoThrottle
on) is what bounds a real crawl, not this overhead.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing as mp
import resource
import time
from typing import Any


def _serve(n: int, queue: Any, stop: Any) -> None:
    from pipeline.demo.server import serve_demo_sites, synthetic_articles

    articles = synthetic_articles("mmckalteng", n, start_id=100_000)
    with serve_demo_sites(articles, families=["mmckalteng"]) as run:
        queue.put(run.base_urls["mmckalteng"])
        stop.wait()
        queue.put(len(run.sites["mmckalteng"].log))


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()

    from crawler.runner import CrawlJob, run_crawl
    from crawler.sources import load_sources

    ctx = mp.get_context("spawn")
    queue, stop = ctx.Queue(), ctx.Event()
    server = ctx.Process(target=_serve, args=(args.articles, queue, stop), daemon=True)
    server.start()
    base_url = queue.get(timeout=60)
    source = load_sources()["mmckalteng"].with_base_url(base_url)
    source = dataclasses.replace(source, max_listing_pages=10_000, max_articles_per_run=10**6)
    count = {"pages": 0, "bytes": 0, "errors": 0}

    def on_item(item: dict[str, Any]) -> None:
        if item["kind"] == "page":
            count["pages"] += 1
            count["bytes"] += len(item["body"])
        else:
            count["errors"] += 1

    settings = {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 16,
        "LOG_LEVEL": "WARNING",
    }
    cpu0, wall0 = time.process_time(), time.perf_counter()
    results = run_crawl([CrawlJob(source)], on_item, settings)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    stop.set()
    served = queue.get(timeout=30)
    server.join(timeout=10)
    result = results["mmckalteng"]
    pages = count["pages"]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles on replica      {args.articles}")
    print("per-host concurrency     2 (hard cap)")
    print(
        f"pages stored             {pages} ({count['bytes'] / 1e6:.1f} MB), errors {count['errors']}"
    )
    print(f"HTTP requests            {result.requests} (server saw {served})")
    print(f"wall time                {wall:.2f} s")
    print(f"pages/s                  {pages / wall:.1f}")
    print(f"requests/s               {result.requests / wall:.1f}")
    print(f"crawler CPU time         {cpu:.2f} s")
    print(f"CPU ms per page          {1000 * cpu / max(pages, 1):.2f}")
    print(f"max RSS                  {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
