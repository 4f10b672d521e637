"""Evaluation harness for :func:`pipeline.extract.extract`, with plain trafilatura in the same run.

Scores, per data set and per site: bag-of-words token precision/recall/F1 of the body, title
and date exactness, boilerplate leaks and the article/non-article decision.

Data sets:
    * ``indonesian``: ``../shared/data/extraction_gold/indonesian/`` (36 pages, gold.json).
    * ``aeb``: ``../shared/data/extraction_gold/scrapinghub_aeb/`` (181 English pages).
    * ``replicas``: Pantau's demo replica pages (``pipeline/demo/server.py``) plus their
      listing pages; expected text = the article's paragraphs with dateline and credit.

Run: ``PYTHONPATH=. python -m models.eval_extract`` or ``pantau eval-extract``.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import trafilatura

from pipeline.extract import ExtractOptions, extract

TOKEN_RE = re.compile(r"\w+", re.UNICODE)

# Boilerplate that must never be in story text (checked case-insensitively as whole phrases).
LEAK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx, re.IGNORECASE | re.MULTILINE))
    for name, rx in (
        ("baca juga", r"\bbaca\s+juga\b"),
        ("iklan", r"^\W*iklan\W*$"),
        ("advertisement", r"\badvertisement\b"),
        ("scroll to continue", r"scroll to continue"),
        ("share prompt", r"^\W*(?:sebarkan artikel ini|bagikan\b.{0,40})\W*$"),
        ("google news", r"simak berita lainnya di google news"),
        ("ikuti kami", r"^\W*ikuti kami\b"),
        ("comment form", r"leave a reply|please enter your (?:comment|name)"),
        ("counter", r"\bdibaca\s+\d+\s+kali\b"),
        ("tag list", r"^\W*tags?\W*(?::.*)?$"),
        ("contributor box", r"merupakan salah satu kontributor"),
        ("print widget", r"print friendly"),
        (
            "related heading",
            r"^\W*(?:berita lainnya|berita terbaru|radio corner|berita terkait)\W*$",
        ),
        ("byline", r"^\W*(?:reporter|editor|penulis|pewarta)\s*:"),
    )
)


@dataclass
class Case:
    """One page to score."""

    dataset: str
    site: str
    name: str
    html: bytes | str
    url: str | None
    is_article: bool
    text: str | None = None
    title: str | None = None
    dates: tuple[str, ...] = ()


@dataclass
class Outcome:
    """What one system produced for one case."""

    title: str | None
    date: str | None
    text: str
    is_article: bool


@dataclass
class Scores:
    """Accumulated scores of one system on a group of cases."""

    n: int = 0
    n_articles: int = 0
    p: float = 0.0
    r: float = 0.0
    f1: float = 0.0
    title_ok: int = 0
    title_n: int = 0
    date_ok: int = 0
    date_n: int = 0
    leaks: int = 0
    decision_ok: int = 0
    leak_names: Counter[str] = field(default_factory=Counter)

    def add(self, case: Case, out: Outcome) -> None:
        """Score ``out`` against ``case``."""
        self.n += 1
        self.decision_ok += int(out.is_article == case.is_article)
        if not case.is_article:
            return
        self.n_articles += 1
        if case.text is not None:
            p, r, f = token_prf(out.text, case.text)
            self.p += p
            self.r += r
            self.f1 += f
            for name, rx in LEAK_PATTERNS:
                if rx.search(out.text) and not rx.search(case.text):
                    self.leaks += 1
                    self.leak_names[name] += 1
        if case.title is not None:
            self.title_n += 1
            self.title_ok += int(norm_title(out.title) == norm_title(case.title))
        if case.dates:
            self.date_n += 1
            self.date_ok += int(out.date in case.dates)

    def row(self) -> dict[str, float | int | str]:
        """Means and rates for printing."""
        k = max(self.n_articles, 1)
        return {
            "pages": self.n,
            "P": self.p / k,
            "R": self.r / k,
            "F1": self.f1 / k,
            "title": f"{self.title_ok}/{self.title_n}" if self.title_n else "-",
            "date": f"{self.date_ok}/{self.date_n}" if self.date_n else "-",
            "leaks": self.leaks,
            "decision": f"{self.decision_ok}/{self.n}",
        }


def tokens(text: str) -> Counter[str]:
    """Bag of lower-cased word tokens."""
    return Counter(t.lower() for t in TOKEN_RE.findall(text or ""))


def token_prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of ``pred`` against ``gold``.

    Args:
        pred: Extracted text.
        gold: Expected text.

    Returns:
        ``(precision, recall, f1)``; all 1.0 when both are empty.
    """
    tp_, tg = tokens(pred), tokens(gold)
    if not tp_ and not tg:
        return 1.0, 1.0, 1.0
    common = sum((tp_ & tg).values())
    p = common / max(sum(tp_.values()), 1)
    r = common / max(sum(tg.values()), 1)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def norm_title(title: str | None) -> str:
    """Title compared without case, punctuation and spacing differences."""
    return re.sub(r"\W+", " ", title or "").strip().casefold()


# -- data sets ------------------------------------------------------------------------------------
def default_shared() -> Path:
    """``../shared`` beside the project root (or ``$PANTAU_SHARED``; worktrees look further up)."""
    import os

    if env := os.environ.get("PANTAU_SHARED"):
        return Path(env)
    root = Path(__file__).resolve().parents[1]
    for parent in root.parents:
        if (parent / "shared").is_dir():
            return parent / "shared"
    return root.parent / "shared"


def _gold_dates(value: str | None) -> tuple[str, ...]:
    """Accept the gold timestamp's date in UTC and in Indonesian time (WIB, UTC+7)."""
    if not value:
        return ()
    ts = datetime.fromisoformat(value)
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return tuple(
        dict.fromkeys(
            [ts.astimezone(timezone(timedelta(hours=7))).date().isoformat(), ts.date().isoformat()]
        )
    )


def load_indonesian(shared: Path) -> list[Case]:
    """The 36 Indonesian gold pages."""
    root = shared / "data/extraction_gold/indonesian"
    gold = json.loads((root / "gold.json").read_text("utf-8"))
    cases = []
    for g in gold:
        article = g["page_type"] == "article"
        cases.append(
            Case(
                dataset="indonesian",
                site=g["site"],
                name=g["fixture"],
                html=(root / g["html_file"]).read_bytes(),
                url=g.get("url"),
                is_article=article,
                text=g.get("content") if article else None,
                title=g.get("title") if article else None,
                dates=_gold_dates(g.get("date")) if article else (),
            )
        )
    return cases


def load_aeb(shared: Path) -> list[Case]:
    """The 181 pages of the Zyte article-extraction benchmark."""
    root = shared / "data/extraction_gold/scrapinghub_aeb"
    gt = json.loads((root / "ground-truth.json").read_text("utf-8"))
    cases = []
    for key, g in sorted(gt.items()):
        path = root / "html" / f"{key}.html.gz"
        if not path.exists():
            continue
        url = g.get("url")
        host = re.sub(r"^www\.", "", re.sub(r"^[a-z]+://([^/]+).*$", r"\1", url or "?"))
        cases.append(
            Case(
                "aeb",
                host,
                key,
                gzip.decompress(path.read_bytes()),
                url,
                True,
                text=g.get("articleBody") or "",
            )
        )
    return cases


def load_replicas() -> list[Case]:
    """Pantau's replica pages: every demo article in its site's layout, plus listings."""
    from pipeline.demo.server import DEMO_FAMILIES, SITES, load_demo_articles

    articles = load_demo_articles()
    cases: list[Case] = []
    # The families `pantau demo` serves (the ones with bundled articles).
    for site_id in DEMO_FAMILIES:
        cls = SITES[site_id]
        mine = [a for a in articles if a.site == site_id]
        site = cls(mine)
        for a in mine:
            page = site.article(a)  # type: ignore[attr-defined]
            # The sample's own texts still carry a few related-link lines ("Baca juga: …",
            # "Baca_Juga"); those are not story text.
            paras = [
                p
                for p in a.paragraphs
                if len(p) > 200 or not re.match(r"^\W*baca[\s_]+juga\b", p, re.IGNORECASE)
            ]
            expected = "\n".join(paras)
            # The replicas add their own dateline (and InfoPublik a closing credit).
            m = re.search(r"<p>([^<]*?)" + re.escape(_html_escape(paras[0][:40])), page)
            dateline = m.group(1) if m else ""
            credit = "MC Kalteng/Demo/YIN" if "MC Kalteng/Demo/YIN" in page else ""
            expected = f"{dateline}{expected}\n{credit}".strip()
            cases.append(
                Case(
                    "replicas",
                    site_id,
                    f"{site_id}-{a.id}",
                    page,
                    f"http://127.0.0.1{site.url(a)}",  # type: ignore[attr-defined]
                    True,
                    text=expected,
                    title=a.title,
                    dates=(a.date,),
                )
            )
        for page_no in range(1, site.pages() + 1):
            _status, _ctype, body = site.listing(page_no)  # type: ignore[attr-defined]
            listing_url = (
                f"/berita/{page_no}"
                if site_id == "mmckalteng"
                else f"/kategori/nusantara/page/{page_no}"
            )
            cases.append(
                Case(
                    "replicas",
                    site_id,
                    f"{site_id}-listing-{page_no}",
                    body,
                    f"http://127.0.0.1{listing_url}",
                    False,
                )
            )
    return cases


def _html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


# -- systems --------------------------------------------------------------------------------------
def run_pantau(case: Case) -> Outcome:
    """Pantau's extractor."""
    r = extract(case.html, url=case.url, options=ExtractOptions())
    return Outcome(r.title, r.date, r.text, r.is_article)


def run_trafilatura(case: Case) -> Outcome:
    """Plain trafilatura 2.x defaults; article = some main text of at least 250 characters."""
    out = trafilatura.extract(case.html, url=case.url, output_format="json", with_metadata=True)
    if not out:
        return Outcome(None, None, "", False)
    d = json.loads(out)
    text = d.get("text") or ""
    return Outcome(d.get("title"), d.get("date"), text, len(text) >= 250)


SYSTEMS: dict[str, Callable[[Case], Outcome]] = {
    "pantau": run_pantau,
    "trafilatura": run_trafilatura,
}


def evaluate(
    cases: Iterable[Case], systems: dict[str, Callable[[Case], Outcome]] | None = None
) -> dict[tuple[str, str, str], Scores]:
    """Score every system on every case.

    Args:
        cases: Pages with expectations.
        systems: Name → runner (default: Pantau and plain trafilatura).

    Returns:
        Scores keyed by ``(dataset, site or "ALL", system)``.
    """
    systems = systems or SYSTEMS
    table: dict[tuple[str, str, str], Scores] = defaultdict(Scores)
    for case in cases:
        for name, run in systems.items():
            out = run(case)
            table[(case.dataset, case.site, name)].add(case, out)
            table[(case.dataset, "ALL", name)].add(case, out)
    return dict(table)


def format_table(table: dict[tuple[str, str, str], Scores]) -> str:
    """A plain-text per-site table, Pantau and trafilatura rows side by side."""
    head = f"{'dataset':<11}{'site':<26}{'system':<12}{'pages':>6}{'P':>7}{'R':>7}{'F1':>7}{'title':>8}{'date':>8}{'leaks':>6}{'decision':>9}"
    rows = [head, "-" * len(head)]
    for key in sorted(table, key=lambda k: (k[0], k[1] == "ALL", k[1], k[2])):
        ds, site, system = key
        r = table[key].row()
        rows.append(
            f"{ds:<11}{site[:25]:<26}{system:<12}{r['pages']:>6}{r['P']:>7.3f}{r['R']:>7.3f}{r['F1']:>7.3f}"
            f"{r['title']:>8}{r['date']:>8}{r['leaks']:>6}{r['decision']:>9}"
        )
    return "\n".join(rows)


def load_cases(datasets: Iterable[str], shared: Path | None = None) -> list[Case]:
    """Cases of the named data sets (``indonesian``, ``aeb``, ``replicas``); missing ones are skipped.

    Args:
        datasets: Names of data sets to load.
        shared: The shared folder (default ``../shared``).

    Returns:
        The cases found.
    """
    shared = shared or default_shared()
    cases: list[Case] = []
    for name in datasets:
        if name == "replicas":
            cases += load_replicas()
        elif (
            name == "indonesian" and (shared / "data/extraction_gold/indonesian/gold.json").exists()
        ):
            cases += load_indonesian(shared)
        elif (
            name == "aeb"
            and (shared / "data/extraction_gold/scrapinghub_aeb/ground-truth.json").exists()
        ):
            cases += load_aeb(shared)
    return cases


def main(
    datasets: tuple[str, ...] = ("indonesian", "aeb", "replicas"), per_site: bool = True
) -> dict[tuple[str, str, str], Scores]:
    """Evaluate and print the table.

    Args:
        datasets: Which data sets to run.
        per_site: Print per-site rows (else only the ALL rows).

    Returns:
        The score table.
    """
    table = evaluate(load_cases(datasets))
    shown = table if per_site else {k: v for k, v in table.items() if k[1] == "ALL"}
    print(format_table(shown))
    return table


if __name__ == "__main__":
    import sys

    main(tuple(sys.argv[1:]) or ("indonesian", "aeb", "replicas"))
