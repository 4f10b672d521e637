"""Indonesian publication dates: written-out dates, numeric dates and dates in URLs.

All functions return ISO ``YYYY-MM-DD`` strings or ``None`` and never raise.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS: dict[str, int] = {
    # Indonesian full names, common short forms and the English names regional sites also use.
    "januari": 1,
    "jan": 1,
    "january": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "february": 2,
    "maret": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "august": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "october": 10,
    "november": 11,
    "nov": 11,
    "nopember": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
    "december": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

# "Selasa, 05 Juli 2022", "30 Januari 2018 11:55", "5 Nov 2015"
WRITTEN_DATE_RE = re.compile(
    rf"\b(?P<d>[0-3]?\d)\s+(?P<m>{_MONTH_ALT})\.?\s*,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE
)
# "November 5, 2015" (English-style, used by some Indonesian WordPress themes)
WRITTEN_DATE_EN_RE = re.compile(
    rf"\b(?P<m>{_MONTH_ALT})\.?\s+(?P<d>[0-3]?\d),?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE
)
# "Kamis (22/3/2018)", "Rabu (15/6/22)", "22/03/2018", "22-03-2018"
NUMERIC_DATE_RE = re.compile(
    r"(?<![\d/.-])(?P<d>[0-3]?\d)[/.-](?P<m>[01]?\d)[/.-](?P<y>(?:19|20)?\d\d)(?![\d/.-])"
)
# ISO-like "2018-01-30" or "2018/01/30"
ISO_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>[01]?\d)[-/.](?P<d>[0-3]?\d)(?!\d)"
)
# URL path dates: /2015/11/05/, /20151105/, republika's /16/02/15/ (yy/mm/dd).
URL_DATE_RES = (
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)(?:/|$)"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:/|$|-)"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?:/|$|-|\d{4,})"),
    re.compile(r"/(?P<y>\d\d)/(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
)


def _make(y: int | str, m: int | str, d: int | str, today: date | None = None) -> str | None:
    """Validated ISO date, or ``None`` for impossible or future dates."""
    try:
        year = int(y)
        if year < 100:
            year += 2000
        value = date(year, int(m), int(d))
    except (TypeError, ValueError):
        return None
    if value.year < 1995 or value > (today or date.today()):
        return None
    return value.isoformat()


def parse_written_date(text: str, today: date | None = None) -> str | None:
    """First written-out date in ``text`` ("Selasa, 05 Juli 2022", "30 Januari 2018 11:55").

    Args:
        text: Any text.
        today: Dates after this day are rejected (default: the real today).

    Returns:
        ISO date or ``None``.
    """
    best: tuple[int, str] | None = None
    for regex in (WRITTEN_DATE_RE, WRITTEN_DATE_EN_RE):
        for m in regex.finditer(text):
            iso = _make(m["y"], MONTHS[m["m"].lower()], m["d"], today)
            if iso and (best is None or m.start() < best[0]):
                best = (m.start(), iso)
                break
    return best[1] if best else None


def parse_numeric_date(text: str, today: date | None = None) -> str | None:
    """First day-first numeric date in ``text`` ("Kamis (22/3/2018)", "(15/6/22)", "2018-01-30").

    Args:
        text: Any text.
        today: Dates after this day are rejected (default: the real today).

    Returns:
        ISO date or ``None``.
    """
    found: list[tuple[int, str]] = []
    for m in ISO_DATE_RE.finditer(text):
        if iso := _make(m["y"], m["m"], m["d"], today):
            found.append((m.start(), iso))
            break
    for m in NUMERIC_DATE_RE.finditer(text):
        if iso := _make(m["y"], m["m"], m["d"], today):
            found.append((m.start(), iso))
            break
    return min(found)[1] if found else None


def parse_any_date(text: str, today: date | None = None) -> str | None:
    """Earliest written or numeric date in ``text``.

    Args:
        text: Any text.
        today: Dates after this day are rejected (default: the real today).

    Returns:
        ISO date or ``None``.
    """
    return parse_written_date(text, today) or parse_numeric_date(text, today)


def date_from_url(url: str | None, today: date | None = None) -> str | None:
    """Publication date encoded in a URL path (``/2015/11/05/``, ``/16/02/15/``, ``/20151105``).

    Args:
        url: The page URL, or ``None``.
        today: Dates after this day are rejected (default: the real today).

    Returns:
        ISO date or ``None``.
    """
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for regex in URL_DATE_RES:
        if (m := regex.search(path)) and (iso := _make(m["y"], m["m"], m["d"], today)):
            return iso
    return None
