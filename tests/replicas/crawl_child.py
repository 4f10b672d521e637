"""Run one crawl in a fresh process, using a JSONL file as the caller's database.

Twisted's reactor cannot be restarted in one process, so every crawl in the tests runs here:

    python tests/replicas/crawl_child.py config.json

``config.json``: ``{"jobs": [{"source": id, "base_url": url}], "sink": path, "runs": path,
"settings": {...}}``. Like the real CLI, the sink is the frontier: known URLs (canonical and
aliases), stored sitemap lastmod and "was the previous run complete" are read from it before the
crawl; every item is appended (and fsync'd) as it arrives, so a SIGKILL loses at most the item
being written. A run's health record is appended to ``runs`` only when the crawl ends normally,
so a killed run leaves the next one with ``caught_up=False``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from crawler.runner import CrawlJob, run_crawl
from crawler.sources import load_sources


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSONL file; a torn last line (writer killed mid-write) is ignored."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text("utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows


def main(config_path: str) -> None:
    """Crawl the configured jobs against the sink and runs files named in the config."""
    config = json.loads(Path(config_path).read_text("utf-8"))
    sink, runs = Path(config["sink"]), Path(config["runs"])
    stored = read_jsonl(sink)
    history = read_jsonl(runs)
    sources = load_sources()
    jobs = []
    for spec in config["jobs"]:
        sid = spec["source"]
        pages = [r for r in stored if r["kind"] == "page" and r["source"] == sid]
        known = {r["canonical_url"] for r in pages} | {a for r in pages for a in r["aliases"]}
        lastmod = {r["canonical_url"]: r["lastmod"] for r in pages if r.get("lastmod")}
        previous = [h for h in history if h["source_id"] == sid]
        jobs.append(
            CrawlJob(
                sources[sid].with_base_url(spec["base_url"]),
                known_urls=known,
                known_lastmod=lastmod,
                caught_up=bool(previous and previous[-1]["complete"]),
            )
        )
    out = sink.open("a", encoding="utf-8")

    def on_item(item: dict[str, Any]) -> None:
        row = {k: v for k, v in item.items() if k != "body"}
        if "body" in item:
            row["sha1"] = hashlib.sha1(item["body"]).hexdigest()
            row["size"] = len(item["body"])
            row["text"] = item["body"].decode("utf-8", "replace")[-4000:]
        out.write(json.dumps(row) + "\n")
        out.flush()
        os.fsync(out.fileno())

    results = run_crawl(jobs, on_item, config.get("settings", {}))
    out.close()
    with runs.open("a", encoding="utf-8") as fh:
        for result in results.values():
            record = dataclasses.asdict(result)
            record.pop("stats")
            fh.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
