"""Rebuild the demo's bundled article sample from IndoSum (run by a developer, not at run time).

    python -m pipeline.demo.build_data ../shared/data/corpora/indosum_dev/indosum_dev_unique.jsonl

Picks a fixed, licence-clean sample (IndoSum, CC BY-SA 4.0) that covers the three topics
and plain news, and writes ``pipeline/demo/data/articles.jsonl`` with attribution fields.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).parent / "data" / "articles.jsonl"

# IndoSum ids chosen by hand after reading: agreements, bribery/levies, digital services, and
# ordinary news (sport, tech, politics) so the demo shows true negatives too.
PICKS: dict[str, list[str]] = {"mmckalteng": [], "infopublik": []}

TOPIC_RE = {
    "kerja_sama": r"\b(nota kesepahaman|mou|perjanjian kerja ?sama|penandatanganan)\b",
    "pungli": r"\b(pungli|pungutan liar|suap|gratifikasi|operasi tangkap tangan|ott)\b",
    "digitalisasi": r"\b(e-ktp|e-government|spbe|layanan online|aplikasi|digital)\b",
}


def title_from_slug(slug: str) -> str:
    """IndoSum has no titles: make one from the (truncated) URL slug, dropping a cut word."""
    words = slug.split("-")
    if len(slug) >= 50 and len(words) > 3:
        words = words[:-1]
    return " ".join(words).capitalize()


def main(path: str) -> None:
    rows = [json.loads(line) for line in Path(path).read_text("utf-8").splitlines()]
    rows = [r for r in rows if r["category"] in ("tajuk utama", "teknologi", "olahraga")]
    chosen: list[dict] = []
    used: set[str] = set()
    for pattern in TOPIC_RE.values():
        scored = sorted(
            (r for r in rows if r["category"] == "tajuk utama" and r["id"] not in used),
            key=lambda r: -len(re.findall(pattern, r["text"].lower())),
        )
        for r in scored[:5]:
            chosen.append(r)
            used.add(r["id"])
    plain = [
        r
        for r in rows
        if r["id"] not in used
        and not any(re.search(p, r["text"].lower()) for p in TOPIC_RE.values())
    ]
    chosen += plain[:: max(1, len(plain) // 11)][:11]
    with OUT.open("w", encoding="utf-8") as out:
        for i, r in enumerate(chosen):
            site = "mmckalteng" if i % 2 == 0 else "infopublik"
            out.write(
                json.dumps(
                    {
                        "site": site,
                        "id": 1000 + i,
                        "title": title_from_slug(r["slug"]),
                        "date": r["date"],
                        "text": r["text"],
                        "origin": "indosum",
                        "origin_id": r["id"],
                        "origin_url": r["url"],
                        "origin_outlet": r["source"],
                        "licence": "CC BY-SA 4.0 (IndoSum, Kurniawan & Louvan 2018)",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    print(f"wrote {len(chosen)} articles to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
