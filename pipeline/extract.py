"""Main text and metadata of a news page: trafilatura plus Indonesian-news cleaning.

Public entry point: :func:`extract`. Options travel in one :class:`ExtractOptions`.

Order of work for one page: decode bytes safely → parse once with lxml → read metadata from
the markup (JSON-LD/meta, the byline area under the headline) → drop boilerplate blocks and
photo captions → trafilatura for the main text → line rules of :mod:`pipeline.clean` →
dateline/credit/language → the article/non-article decision.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import asdict, dataclass, field
from typing import Any

import trafilatura
from lxml import html as lxml_html

from pipeline import clean
from pipeline.dates import date_from_url, parse_any_date, parse_written_date
from pipeline.langid import detect_language

EXTRACTOR_VERSION = "pantau-extract/0.2"


@dataclass(frozen=True)
class ExtractOptions:
    """How to extract.

    Attributes:
        min_text_chars: Shorter main text means "not an article".
        favor_precision: Passed to trafilatura (drop doubtful boilerplate).
        max_bytes: Larger pages are refused with an error instead of parsed.
        time_limit_s: Per-page wall-clock limit (enforced with SIGALRM in the main thread).
        clean: Apply Pantau's Indonesian-news cleaning (False gives near-plain trafilatura).
    """

    min_text_chars: int = 250
    favor_precision: bool = True
    max_bytes: int = 8_000_000
    time_limit_s: float = 10.0
    clean: bool = True


@dataclass
class Extracted:
    """What :func:`extract` found in one page. Missing values are ``None``.

    Attributes:
        title: Headline without site-name suffix.
        date: Publication date, ISO ``YYYY-MM-DD``.
        author: Author as stated (meta author, byline name or reporter).
        text: Story paragraphs joined by newlines, dateline and closing credit kept.
        is_article: False for listings, tag pages, galleries, contact pages and failures.
        language: ``"id"``, ``"ms"``, ``"en"`` or ``None``.
        location: Place of the dateline ("Pangkalan Bun").
        credit: Closing credit without brackets ("MC. Pulang Pisau/Ayu …").
        url: The page URL given by the caller.
        error: Why extraction failed, else ``None``.
        reporter: Name after "Reporter:"/"Pewarta:"/"Penulis:".
        editor: Name after "Editor:"/"Redaktur:".
        captions: Photo captions removed from the text.
        date_source: Where the date came from: meta, byline, url or text.
        extra: Free-form extras (extractor version...).
    """

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
    reporter: str | None = None
    editor: str | None = None
    captions: list[str] = field(default_factory=list)
    date_source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return asdict(self)


class ExtractionTimeout(Exception):
    """A page took longer than :attr:`ExtractOptions.time_limit_s`."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`ExtractionTimeout` after ``seconds``; a no-op outside the main thread."""
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        # Never clobber someone else's alarm (pytest-timeout, a job runner's watchdog).
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        raise ExtractionTimeout(f"page took longer than {seconds:g} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# -- decoding -------------------------------------------------------------------------------------
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    """Decode page bytes, trusting the bytes over a wrong charset declaration.

    Valid UTF-8 is UTF-8 whatever the page declares (a UTF-8 page declared windows-1252 would
    otherwise turn "é" into "Ã©"); bytes that are not valid UTF-8 use the declared single-byte
    charset, else windows-1252 (a windows-1252 page declared UTF-8 decodes cleanly).

    Args:
        data: Raw page bytes.

    Returns:
        The page text.
    """
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET_RE.search(data[:4096])
    codec = declared.group(1).decode("ascii", "ignore").lower() if declared else "windows-1252"
    if codec in ("utf-8", "utf8", "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        codec = "windows-1252"  # what browsers do for these labels when bytes are not UTF-8
    try:
        return data.decode(codec, errors="replace")
    except LookupError:
        return data.decode("windows-1252", errors="replace")


def _binary_reason(text: str) -> str | None:
    sample = text[:8192]
    if not sample:
        return None
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if "\x00" in sample or controls > 0.02 * len(sample):
        return "binary content, not HTML"
    if sample.count("\ufffd") > 0.1 * len(sample):
        return "undecodable content, not HTML"
    return None


# -- metadata from markup -------------------------------------------------------------------------
_META_DATE_XPATH = (
    "//meta[@property='article:published_time' or @property='og:published_time' "
    "or @property='article:published' or @itemprop='datePublished' "
    "or @name='pubdate' or @name='publishdate' or @name='publish-date' or @name='publish_date' "
    "or @name='date' or @name='DC.date.issued' or @name='dc.date' or @name='DC.date' "
    "or @name='parsely-pub-date' or @name='sailthru.date' or @name='content_PublishedDate' "
    "or @name='article:published_time' or @name='dcterms.created' or @property='dcterms.created']/@content"
    "|//*[@itemprop='datePublished']/@datetime|//*[@itemprop='datePublished']/@content"
)


def _meta_date(tree: lxml_html.HtmlElement) -> str | None:
    """Publication date from JSON-LD and meta tags (the most trusted source)."""
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        for m in re.finditer(r'"datePublished"\s*:\s*"([^"]{6,40})"', script):
            if iso := parse_any_date(m.group(1)):
                return iso
    for value in tree.xpath(_META_DATE_XPATH):
        if iso := parse_any_date(str(value)):
            return iso
    return None


def _meta_content(tree: lxml_html.HtmlElement, *selectors: str) -> str | None:
    for sel in selectors:
        for value in tree.xpath(f"//meta[{sel}]/@content"):
            value = " ".join(str(value).split())
            if value:
                return value
    return None


_SITE_SEP_RE = re.compile(r"\s+(?:[|»·:]{1,2}|[-–—]{1,2})\s+")


def _strip_site_name(title: str, site_name: str | None = None) -> str:
    """Drop a site-name prefix or suffix: "Judul | InfoPublik" → "Judul"."""
    parts = _SITE_SEP_RE.split(title)
    if len(parts) == 1:
        return title.strip()
    if site_name:
        sn = site_name.casefold()
        kept = [
            p for p in parts if p.strip().casefold() not in sn and sn not in p.strip().casefold()
        ]
        if kept and len(kept) < len(parts):
            return " - ".join(kept).strip()
    # Otherwise the longest segment is the headline (site names are short).
    longest = max(parts, key=len)
    return longest.strip() if len(longest) >= 0.5 * len(title) or len(parts) > 2 else title.strip()


def _headline(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The story's headline element.

    The h1 (or, failing that, h2) sharing the most words with the page's ``<title>`` /
    ``og:title`` wins, so a logo set in an ``<h1>`` in the header never anchors the byline
    search; ties go to headings inside ``<article>``/``<main>``, then document order.
    """
    heads = tree.xpath("//h1") or tree.xpath("//article//h2|//main//h2")
    if not heads:
        return None
    site_name = _meta_content(tree, "@property='og:site_name'")
    meta_titles = [
        _meta_content(tree, "@property='og:title'", "@name='twitter:title'"),
        " ".join((tree.xpath("string(//title)") or "").split()) or None,
    ]
    # Compare with the titles stripped of their site names: a logo <h1> shares only those.
    title_words = {
        w for t in meta_titles if t for w in _norm(_strip_site_name(t, site_name)).split()
    }

    def score(item: tuple[int, lxml_html.HtmlElement]) -> tuple[float, int, int]:
        pos, el = item
        words = _norm(el.text_content()).split()
        hits = sum(w in title_words for w in words)
        # Matched words weighted by the share of the heading they cover.
        value = hits * hits / len(words) if words else 0.0
        in_story = int(any(a.tag in ("article", "main") for a in el.iterancestors()))
        return (round(value, 2), in_story, -pos)

    return max(enumerate(heads), key=score)[1]


def _choose_title(tree: lxml_html.HtmlElement, traf_title: str | None) -> str | None:
    site_name = _meta_content(tree, "@property='og:site_name'", "@name='application-name'")
    candidates = [
        _meta_content(
            tree, "@property='og:title'", "@name='twitter:title'", "@property='twitter:title'"
        ),
        " ".join(tree.xpath("string(//title)").split()) or None,
    ]
    h1 = _headline(tree)
    h1_text = " ".join(h1.text_content().split()) if h1 is not None else None
    cleaned = [_strip_site_name(c, site_name) for c in candidates if c]
    # The h1 is the headline as readers see it; meta titles give its proper case when the
    # h1 is set in capitals, and stand in when the h1 is a logo or missing.
    if h1_text and 10 <= len(h1_text) <= 300:
        for c in cleaned:
            if c.casefold() == h1_text.casefold():
                return c
        if cleaned and h1_text.isupper() and _norm(cleaned[0]).startswith(_norm(h1_text)[:30]):
            return cleaned[0]
        if not cleaned or any(
            _norm(h1_text) in _norm(c) or _norm(c) in _norm(h1_text) for c in cleaned
        ):
            return h1_text
    if cleaned:
        return cleaned[0]
    return traf_title


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


_BYLINE_CLASS_RE = re.compile(
    r"date|time|tanggal|tgl|byline|author|penulis|reporter|editor|meta|posted|publish|info",
    re.IGNORECASE,
)


def _byline_area(tree: lxml_html.HtmlElement, headline: lxml_html.HtmlElement | None) -> str:
    """Text between the headline and the start of the story (where bylines and dates sit).

    Header "today" widgets come before the headline and sidebar dates after the story, so
    neither is in this area.
    """
    if headline is None:
        return ""
    chunks: list[str] = []
    total = 0
    started = False
    for el in headline.getroottree().iter():
        if el is headline:
            started = True
            continue
        if not started or not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if el in headline.iterancestors():
            continue
        own = " ".join(((el.text or "") + " ").split())
        if el.tag in (
            "p",
            "div",
            "span",
            "time",
            "small",
            "li",
            "a",
            "b",
            "strong",
            "em",
            "i",
            "td",
        ):
            if el.tag == "time" and el.get("datetime"):
                chunks.append(el.get("datetime", ""))
            if own:
                if el.tag == "p" and len(own) > 120:
                    break  # the story has started
                chunks.append(own)
                total += len(own)
        if el.tail and el.tail.strip():
            chunks.append(" ".join(el.tail.split()))
        if total > 600 or len(chunks) > 40:
            break
    return "\n".join(chunks)


_ORG_RE = re.compile(
    r"\b(?:media|cyber|news|online|redaksi|admin|pt|tv|group|network)\b|\.(?:com|co|id|net)\b",
    re.IGNORECASE,
)
_AUTHOR_XPATH = (
    "//*[@itemprop='author']//*[@itemprop='name']|//*[@itemprop='author']|//a[@rel='author']"
    "|//*[contains(concat(' ', normalize-space(@class), ' '), ' author-name ')]"
)


def _markup_author(tree: lxml_html.HtmlElement) -> str | None:
    """Author named by schema.org or rel=author markup (short names only)."""
    for el in tree.xpath(_AUTHOR_XPATH):
        name = el.get("content") or " ".join(el.text_content().split())
        name = re.sub(r"^(?:oleh|by|penulis|reporter)\s*:?\s*", "", name or "", flags=re.IGNORECASE)
        if 2 < len(name) <= 60 and not name.startswith("http"):
            return name
    return None


def _article_region_dates(
    tree: lxml_html.HtmlElement, headline: lxml_html.HtmlElement | None
) -> str | None:
    """Date from date-like elements of the story's ``<article>`` (not header or sidebar).

    Only an ``<article>`` holding the headline (or the page's only ``<article>``) counts, and
    within it only elements after the headline's start: a page-wide search would meet the
    header's "today" widget and sidebar teasers first.
    """
    articles = tree.xpath("//article")
    if headline is not None:
        holding = [a for a in articles if headline in a.iter()]
        articles = holding or (articles if len(articles) == 1 else [])
    elif len(articles) != 1:
        return None
    for container in articles[:1]:
        for el in container.iter():
            if not isinstance(el.tag, str):
                continue
            attrs = f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')}"
            if el.tag == "time" or _BYLINE_CLASS_RE.search(attrs):
                value = el.get("datetime") or " ".join(el.text_content().split())[:200]
                if iso := parse_any_date(value):
                    return iso
    return None


# -- non-article pages ----------------------------------------------------------------------------
_NON_ARTICLE_URL_RE = re.compile(
    r"/(?:tag|tags|topik|topic|kategori|category|categories|rubrik|kanal|indeks|index|search|cari|pencarian"
    r"|page|halaman|author|penulis|kontak|contact|hubungi-kami|about|tentang-kami|redaksi|agenda|galeri|gallery"
    r"|video|videos|foto|photos?|arsip|archive|pedoman-media-siber|privacy|kebijakan-privasi|disclaimer)(?:/|$|\?|\.html?$)",
    re.IGNORECASE,
)
_NON_ARTICLE_TITLE_RE = re.compile(
    r"^(?:indeks|index|arsip|archive|kategori|category|tag|topik|galeri|gallery|agenda|kontak|contact|hubungi kami|tentang kami|redaksi|berita terbaru|berita terkini|search|pencarian)\b"
    r"|\b(?:berita terbaru|berita hari ini|portal berita|kumpulan (?:artikel|berita)|halaman \d+|page \d+)\b",
    re.IGNORECASE,
)


def _looks_like_story(lines: list[str]) -> bool:
    """Enough running prose: listings are runs of short link titles, not paragraphs."""
    if not lines:
        return False
    prose = [
        ln
        for ln in lines
        if len(ln) >= 100 or (len(ln) >= 40 and re.search(r"[.!?\"”。！？)]$", ln))
    ]
    prose_chars = sum(len(ln) for ln in prose)
    total = sum(len(ln) for ln in lines)
    return bool(prose) and (prose_chars >= 0.4 * total or prose_chars >= 1500)


def _is_article(
    tree: lxml_html.HtmlElement,
    url: str | None,
    title: str | None,
    lines: list[str],
    text: str,
    options: ExtractOptions,
) -> bool:
    if len(text) < options.min_text_chars or not _looks_like_story(lines):
        return False
    url_path = re.sub(r"^[a-z]+://[^/]+", "", url or "")
    url_says_list = bool(_NON_ARTICLE_URL_RE.search(url_path)) and not re.search(
        r"\d{4,}|/read/|/berita/\d", url_path
    )
    title_says_list = bool(title and _NON_ARTICLE_TITLE_RE.search(title))
    # A site's front page, or text made of truncated teasers ("… selengkapnya…"), is a listing.
    front_page = url is not None and url_path.split("?")[0] in (
        "",
        "/",
        "/index.html",
        "/index.php",
    )
    teasers = sum(1 for ln in lines if re.search(r"(?:…|\.\.\.)\s*$", ln))
    if front_page or (teasers >= 4 and teasers >= 0.4 * len(lines)):
        return False
    # Listing signals win over og:type, which many CMSs set to "article" on every page.
    return not (url_says_list or title_says_list)


# -- the extractor --------------------------------------------------------------------------------
def extract(
    html: str | bytes, url: str | None = None, options: ExtractOptions | None = None
) -> Extracted:
    """Extract the article text and metadata of one HTML page.

    Never raises for bad pages: empty, binary, oversized, undecodable or too slow pages give
    an :class:`Extracted` with ``error`` set and ``is_article`` false.

    Args:
        html: The page, as text or raw bytes (bytes: UTF-8 if valid, else the declared
            single-byte charset, else windows-1252).
        url: Where the page came from (helps date and non-article decisions).
        options: Extraction options; defaults when omitted.

    Returns:
        An :class:`Extracted`; ``is_article`` is false for listings, empty or unreadable pages,
        and ``error`` says why when extraction failed.

    Example:
        >>> extract("<html><body><p>pendek</p></body></html>").is_article
        False
    """
    options = options or ExtractOptions()
    result = Extracted(url=url, extra={"extractor": EXTRACTOR_VERSION})
    if html is None or len(html) == 0:
        result.error = "empty page"
        return result
    size = len(html)
    if size > options.max_bytes:
        result.error = f"page too large ({size} bytes > {options.max_bytes})"
        return result
    text = decode_html(html) if isinstance(html, bytes) else html
    if reason := _binary_reason(text):
        result.error = reason
        return result
    if not text.strip():
        result.error = "empty page"
        return result
    try:
        with _time_limit(options.time_limit_s):
            _extract_into(result, text, url, options)
    except ExtractionTimeout as exc:
        return Extracted(url=url, error=f"time limit: {exc}", extra=result.extra)
    except Exception as exc:  # a malformed page must not stop a batch
        return Extracted(
            url=url, error=f"extraction failed: {type(exc).__name__}: {exc}", extra=result.extra
        )
    return result


def _extract_into(result: Extracted, text: str, url: str | None, options: ExtractOptions) -> None:
    tree = trafilatura.utils.load_html(text)
    if tree is None:
        result.error = "not parseable as HTML"
        return
    headline = _headline(tree)
    meta_date = _meta_date(tree)
    byline_text = _byline_area(tree, headline)
    region_date = _article_region_dates(tree, headline)
    meta_author = _meta_content(
        tree,
        "@name='author'",
        "@property='article:author'",
        "@name='dc.creator'",
        "@name='DC.creator'",
    )
    if meta_author and (meta_author.startswith("http") or len(meta_author) > 80):
        meta_author = None
    meta_author = meta_author or _markup_author(tree)

    work = deepcopy(tree)
    captions = clean.clean_tree(work) if options.clean else []
    doc = trafilatura.bare_extraction(
        work,
        url=url,
        with_metadata=not options.clean,
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_precision=options.favor_precision,
        # Fast mode: no free-text date search (it picks header "today" widgets); our own
        # byline/URL/text fallbacks below replace it.
        date_extraction_params={"extensive_search": False, "original_date": True, "url": url},
    )
    if doc is None or not (doc.text or "").strip():
        result.title = _choose_title(tree, None)
        result.captions = captions
        result.date, result.date_source = _pick_date(
            [
                ("meta", meta_date),
                ("byline", parse_any_date(byline_text) if byline_text else None),
                ("byline", region_date),
                ("url", date_from_url(url)),
            ]
        )
        if sum(len(c) for c in captions) >= 100:
            # A photo gallery: the captions are all the text there is; not an article.
            result.text = "\n".join(dict.fromkeys(captions))
            result.language = detect_language(result.text) or _html_lang(tree)
            result.extra["page_kind"] = "gallery"
        else:
            result.error = "no main text found"
        return
    raw_text = doc.text or ""
    title = _choose_title(tree, doc.title) if options.clean else doc.title
    result.title = title
    if not options.clean:
        result.text = raw_text
        result.date = doc.date
        result.author = doc.author
        result.is_article = len(raw_text) >= options.min_text_chars
        return

    if (
        raw_text
        and (lead := _recover_lead(tree, raw_text.lstrip().splitlines()[0]))
        and lead[:40] not in raw_text
    ):
        raw_text = f"{lead}\n{raw_text}"
    lines, byline = clean.clean_lines(raw_text, title)
    byline_info = clean.Byline()
    for line in byline_text.splitlines():
        clean.parse_byline_line(line, byline_info)
    result.text = "\n".join(lines)
    result.captions = captions + byline.captions
    result.reporter = byline.reporter or byline_info.reporter
    result.editor = byline.editor or byline_info.editor
    # A named person beats a publisher name ("Kompas Cyber Media", "Redaksi", "PT. X Media").
    people = [byline_info.author, byline.author, result.reporter]
    if meta_author and not _ORG_RE.search(meta_author):
        people.insert(0, meta_author)
    result.author = next((p for p in people if p), None) or meta_author or doc.author
    if lines:
        result.location, _agency = clean.split_dateline(lines[0])
        result.credit = clean.find_credit(lines)
    result.language = detect_language(result.text) or _html_lang(tree)

    # Date, in order of trust: JSON-LD/meta → byline area → URL → the story's own text dates.
    candidates: list[tuple[str, str | None]] = [
        ("meta", meta_date),
        ("byline", parse_any_date(byline_text) if byline_text else None),
        ("byline", next((d for t in byline.date_text if (d := parse_any_date(t))), None)),
        ("byline", region_date),
        ("url", date_from_url(url)),
        ("text", _story_text_date(lines)),
    ]
    result.date, result.date_source = _pick_date(candidates)
    # A listing or a too-short page is a decision, not an error: ``error`` stays None.
    result.is_article = _is_article(tree, url, title, lines, result.text, options)


_INLINE_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "span", "br", "u", "font", "small", "sup", "sub"}
)


def _recover_lead(tree: lxml_html.HtmlElement, first_line: str) -> str | None:
    """Text that opens the story container before trafilatura's first paragraph, if any.

    Old CMS templates put the lead (often with the dateline) as bare text and ``<b>``/``<a>``
    inline elements straight inside the story ``<div>``, before the first ``<p>`` or ``<br>``
    break; trafilatura drops such text. Only a contiguous run of inline text directly before
    the first extracted paragraph, inside the same container, is recovered.
    """
    probe = first_line[:40]
    if len(probe) < 20:
        return None
    start = None
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if (el.text and probe in " ".join(el.text.split())) or (
            el.tail and probe in " ".join(el.tail.split())
        ):
            start = el
            break
    if start is None:
        return None
    container = start.getparent()
    anchor = start
    # Climb out of formatting wrappers (<p><b>…</b></p>) to the story container; a <span> may
    # be the container itself (``<span itemprop="articleBody">``).
    while container is not None and container.tag in (_INLINE_TAGS - {"span"}) | {"p"}:
        anchor, container = container, container.getparent()
    if container is None or container.xpath(".//h1"):
        return None
    start = anchor
    run: list[str] = []
    link_chars = 0
    if container.text:
        run.append(container.text)
    for child in container:
        if (
            child is start
            or start in child.iterdescendants()
            or (child.tag == "p" and probe in " ".join(child.text_content().split()))
        ):
            break
        if not isinstance(child.tag, str) or child.tag in ("script", "style"):
            run.append(child.tail or "")
            continue
        if child.tag in _INLINE_TAGS:
            text = child.text_content()
            run.append(text)
            if child.tag == "a":
                link_chars += len(text)
            run.append(child.tail or "")
        elif child.text_content().strip():
            run, link_chars = [child.tail or ""], 0  # a block breaks the run: start again after it
        else:
            run.append(child.tail or "")  # empty <p></p> or <div></div>: no break
    lead = " ".join(" ".join(run).split())
    if len(lead) < 60 or link_chars > 0.5 * len(lead) or not re.search(r"[.!?\"”]$", lead):
        return None
    return lead


def _pick_date(candidates: list[tuple[str, str | None]]) -> tuple[str | None, str | None]:
    """First found date in trust order, with its source name."""
    for source, iso in candidates:
        if iso:
            return iso, source
    return None, None


def _story_text_date(lines: list[str]) -> str | None:
    """A full date written in the first paragraphs ("Kamis (22/3/2018)", "Selasa, 05 Juli 2022")."""
    head = "\n".join(lines[:3])
    return parse_written_date(head) or parse_any_date(head)


def _html_lang(tree: lxml_html.HtmlElement) -> str | None:
    lang = (tree.get("lang") or "").split("-")[0].lower()
    return lang if re.fullmatch(r"[a-z]{2}", lang) else None


def extract_file(
    path: str, url: str | None = None, options: ExtractOptions | None = None
) -> Extracted:
    """Read a saved page (plain or ``.gz``) and :func:`extract` it.

    Args:
        path: File path.
        url: Original URL of the page, if known.
        options: Extraction options.

    Returns:
        The extraction result.

    Raises:
        OSError: The file could not be read.
    """
    import gzip

    with open(path, "rb") as fh:
        data = fh.read()
    if path.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            return Extracted(url=url, error=f"bad gzip file: {exc}")
    return extract(data, url=url, options=options)


__all__ = [
    "EXTRACTOR_VERSION",
    "ExtractOptions",
    "Extracted",
    "decode_html",
    "extract",
    "extract_file",
]
