"""Main text and metadata of a news page: trafilatura plus Indonesian-news cleaning.

Public entry point: :func:`extract`. Options travel in one :class:`ExtractOptions`.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import trafilatura

EXTRACTOR_VERSION = "pantau-extract/0.1"


@dataclass(frozen=True)
class ExtractOptions:
    """How to extract.

    Attributes:
        min_text_chars: Shorter main text means "not an article".
        favor_precision: Passed to trafilatura (drop doubtful boilerplate).
    """

    min_text_chars: int = 250
    favor_precision: bool = True


@dataclass
class Extracted:
    """What :func:`extract` found in one page. Missing values are ``None``."""

    title: str | None = None
    date: str | None = None
    author: str | None = None
    text: str = ""
    is_article: bool = False
    language: str | None = None
    location: str | None = None
    credit: str | None = None
    url: str | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return asdict(self)


BACA_JUGA_RE = re.compile(r"^\(?\s*baca\s+juga\b.*$", re.IGNORECASE | re.MULTILINE)


def extract(html: str | bytes, url: str | None = None, options: ExtractOptions | None = None) -> Extracted:
    """Extract the article text and metadata of one HTML page.

    Args:
        html: The page, as text or raw bytes (bytes are decoded by trafilatura's charset sniffing).
        url: Where the page came from (helps date and site-name handling).
        options: Extraction options; defaults when omitted.

    Returns:
        An :class:`Extracted`; ``is_article`` is false for listings, empty or unreadable pages,
        and ``error`` says why when extraction failed.
    """
    options = options or ExtractOptions()
    if not html:
        return Extracted(url=url, error="empty page")
    try:
        result = trafilatura.extract(
            html,
            url=url,
            output_format="json",
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=options.favor_precision,
        )
    except Exception as exc:  # trafilatura raises on some malformed inputs
        return Extracted(url=url, error=f"extraction failed: {type(exc).__name__}: {exc}")
    if not result:
        return Extracted(url=url, error="no main text found")
    data = json.loads(result)
    text = BACA_JUGA_RE.sub("", data.get("text") or "")
    text = re.sub(r"\n{2,}", "\n", text).strip()
    return Extracted(
        title=data.get("title"),
        date=data.get("date"),
        author=data.get("author"),
        text=text,
        is_article=len(text) >= options.min_text_chars,
        language=data.get("language"),
        url=url,
    )
