"""Indonesian-news cleaning rules: boilerplate lines, bylines, datelines and closing credits.

The rules are general text and markup patterns of Indonesian news CMSs (WordPress themes,
regional government portals, national portals), not patches for single pages. They work on
the plain text that trafilatura returns (one paragraph per line) and on the lxml tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import html as lxml_html

# -- whole lines that are never story text ------------------------------------------------------
_AD = r"(?:informasi )?pemasangan iklan|iklan|advertisement|advertisment|adverstisement|sponsored|scroll to continue with content|scroll untuk melanjutkan|lanjutkan membaca|konten berbayar|ads by google"
_SHARE = (
    r"sebarkan(?: artikel| berita)?(?: ini)?|bagikan(?: artikel| berita| halaman)?(?: ini)?(?:\s*(?:ke|di|via|:).*)?"
    r"|share(?: this| artikel| berita)?(?: (?:article|post|story))?(?:\s*(?:on|:).*)?|tweet|facebook|twitter|whatsapp|telegram|line|email|copy link|salin tautan|salin link"
)
_FOLLOW = (
    r"(?:simak|baca|dapatkan|ikuti|cek)\b.{0,60}\b(?:google news|whatsapp channel|saluran whatsapp|telegram|instagram|youtube|twitter|facebook|tiktok)\b.*"
    r"|ikuti (?:kami|kami di|akun|media sosial|berita).{0,80}"
    r"|follow (?:us|kami).{0,80}"
    r"|(?:klik|click) (?:di ?sini|here).{0,80}"
)
_COMMENT = (
    r"leave a reply|leave a comment|please enter your (?:comment|name)(?: here)?!?|you have entered an incorrect email address!?"
    r"|tinggalkan (?:balasan|komentar|a reply)|kirim komentar|tulis komentar|beri komentar|post comment|komentar(?: anda| pembaca)?|comments?"
    r"|alamat email anda tidak akan dipublikasikan.*|your email address will not be published.*|save my name, email.*"
    r"|simpan nama, email.*|\d+\s+komentar|no comments?(?: yet)?|belum ada komentar|login untuk (?:berkomentar|komentar).*"
)
_WIDGET = (
    r"print friendly(?:,? (?:and|&) pdf)?|print(?: this)?(?: article| berita)?|cetak(?: berita| artikel)?|pdf|email this"
    r"|tag|tags|topik|kata kunci|keywords?|related tags?|label"
    r"|berita lainnya|berita terbaru|berita terkini|berita terpopuler|terpopuler|populer|paling populer|terbaru|terkini"
    r"|radio corner|rekomendasi|rekomendasi untuk anda|artikel lainnya|artikel terkait|berita terkait|baca juga|lihat juga|video pilihan|pilihan editor|editor'?s? picks?"
    r"|most popular|most read|related (?:news|articles?|posts?|stories)|recommended(?: for you)?|read more|selengkapnya|baca selengkapnya|lanjut baca|next|previous(?: post)?|next post|sebelumnya|selanjutnya"
    r"|beranda|home|close|tutup|mustread|must read|kembali(?: ke (?:atas|beranda))?|back to top|loading\W*|memuat\W*|×|x"
)
BOILERPLATE_LINE_RE = re.compile(
    rf"^\W*(?:{_AD}|{_SHARE}|{_FOLLOW}|{_COMMENT}|{_WIDGET})\W*$", re.IGNORECASE
)
# Related-link lines in every spelling: "Baca Juga: …", "BACA JUGA …", "(Baca Juga : …)",
# "Baca juga …" without colon, "Lihat Juga:", "Simak juga:", "Baca: …", "Artikel terkait: …".
RELATED_LINE_RE = re.compile(
    r"^\W{0,3}(?:(?:baca|lihat|simak|tonton|cek)\s+(?:juga|pula|lainnya)|baca\s*:|berita\s+terkait\s*:|artikel\s+terkait\s*:"
    r"|related\s*:|read\s+(?:also|more)\s*:|see\s+also\s*:)",
    re.IGNORECASE,
)
INLINE_COUNTER_RE = re.compile(
    r"(?:telah\s+)?dibaca\s*:?\s*[\d.,]+\s*k?\s*kali|\b[\d.,]+k?\s+kali\s+dibaca", re.IGNORECASE
)
# Lines that carry a keyword list: "TAG: a, b, c", "Tags: …", "Topik: …".
TAG_LINE_RE = re.compile(
    r"^\W*(?:tags?|topik|kata\s+kunci|keywords?|label)\s*[:#]\s*.{0,300}$", re.IGNORECASE
)
COUNTER_LINE_RE = re.compile(
    r"^\W*(?:(?:telah\s+)?dibaca\s*:?\s*[\d.,]+\s*(?:kali|x)?|[\d.,]+\s*(?:kali dibaca|views?|komentar|comments?|shares?|dilihat)"
    r"|dilihat\s*:?\s*[\d.,]+\s*(?:kali|x)?|views?\s*:?\s*[\d.,]+|\d{1,7}(?:\s+\d{1,7}){0,3})\W*$",
    re.IGNORECASE,
)
CONTRIBUTOR_LINE_RE = re.compile(
    r"^\W*(?:merupakan\s+salah\s+satu\s+(?:kontributor|penulis|jurnalis|wartawan)|kontributor\s+di\b|about the author|tentang penulis)",
    re.IGNORECASE,
)
COPYRIGHT_LINE_RE = re.compile(
    r"^\W*(?:copyright|hak cipta|©|\(c\))\b.{0,200}$|.{0,120}(?:all rights reserved|hak cipta dilindungi).{0,80}$",
    re.IGNORECASE,
)
# Syndication notes, channel promotions and pagination: "Artikel ini telah tayang di …",
# "Mari bergabung di Grup Telegram …", "Halaman: 1 2 3".
PROMO_LINE_RE = re.compile(
    r"^\W*artikel ini (?:telah )?(?:tayang|terbit|dipublikasikan|diterbitkan)\b"
    r"|\b(?:grup telegram|saluran whatsapp|whatsapp channel|google news|channel youtube|follow akun)\b"
    r"|^\W*(?:halaman|page)\s*:?\s*\d+(?:\s+\d+)*(?:\s+(?:selanjutnya|next|berikutnya))?\W*$"
    r"|^\W*(?:download|unduh) aplikasi\b",
    re.IGNORECASE,
)
# Related link glued to the end of a paragraph: "… kata dia. Baca juga: Judul Lain"
TRAILING_RELATED_RE = re.compile(
    r"(?<=[.!?\"”])\s+(?:baca|lihat|simak)\s+(?:juga|pula)\s*:\s*[^.!?]{5,200}$", re.IGNORECASE
)
# "Laporan Wartawan Tribunnews.com, Nama Wartawan" (no colon)
REPORTED_BY_RE = re.compile(
    r"^\W*laporan\s+(?:wartawan|reporter|jurnalis)\s+[^,\n]{2,40},\s*(?P<who>[^,\n]{2,60})$",
    re.IGNORECASE,
)
# Newsroom contact lines: "Redaksi: redaksi[at]detik.com", "hubungi : sales@…", bare punctuation.
CONTACT_LINE_RE = re.compile(
    r"^\W*$|^[^.!?]{0,60}\b[\w.+-]+\s*(?:@|\[at\]|\(at\))\s*[\w-]+(?:\.[\w-]+)+\W*$", re.IGNORECASE
)
# Headings after which a list of other stories follows (truncate the short lines that follow).
LIST_HEADING_RE = re.compile(
    r"^\W*(?:berita|artikel|video|foto)\s+(?:lainnya|terkait|terbaru|terkini|populer|terpopuler|pilihan)\W*$"
    r"|^\W*(?:baca juga|lihat juga|radio corner|rekomendasi(?: untuk anda)?|terpopuler|related (?:news|articles?|posts?))\W*$",
    re.IGNORECASE,
)

# -- bylines ------------------------------------------------------------------------------------
BYLINE_FIELD_RE = re.compile(
    r"^\W*(?P<key>reporter|reporter\s*&\s*editor|wartawan|jurnalis|penulis|pewarta|oleh|writer|author|by|editor|redaktur|penyunting|editing|editor\s*:?\s*&\s*reporter|"
    r"fotografer|foto|photo|sumber|source|kontributor|laporan wartawan|laporan)\s*[:|]\s*(?P<value>.{1,120}?)\s*$",
    re.IGNORECASE,
)
# Several "key: value" pairs on one line: "Reporter: A | Editor: B".
BYLINE_PAIR_RE = re.compile(
    r"(?P<key>reporter|wartawan|penulis|pewarta|editor|redaktur|penyunting|fotografer|kontributor)\s*:\s*(?P<value>[^|:/\n]{1,60}?)(?=\s*(?:\||/|,?\s*(?:reporter|wartawan|penulis|pewarta|editor|redaktur|penyunting|fotografer|kontributor)\s*:|$))",
    re.IGNORECASE,
)
# "Kontribusi dari Kominfo Pulang Pisau, 30 Januari 2018 11:55, Dibaca 3 kali."
CONTRIBUTED_BY_RE = re.compile(
    r"^\W*(?:kontribusi|dikirim|diposting|diterbitkan|posted|published)\s+(?:dari|oleh|by|on)\s+(?P<who>[^,\n]{2,80})",
    re.IGNORECASE,
)
_DAYS = r"senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# "Selasa, 05 Juli 2022 - Ita Wijayanti", "30 Januari 2018 11:55 WIB | Oleh X"
DATE_AUTHOR_RE = re.compile(
    rf"^\W*(?:(?:{_DAYS}),?\s*)?(?P<date>[0-3]?\d\s+[A-Za-z]{{3,9}}\.?\s+(?:19|20)\d\d|[0-3]?\d[/-][01]?\d[/-](?:19|20)?\d\d)"
    r"(?:[\s,|-]*(?:pukul\s*)?\d{1,2}[:.]\d\d(?:[:.]\d\d)?\s*(?:wib|wita|wit)?)?\s*(?:[-–—|/,]\s*(?:oleh\s*:?\s*|by\s+)?(?P<who>[^\d\n]{2,60}?))?\s*$",
    re.IGNORECASE,
)
CAPTION_LINE_RE = re.compile(
    r"^\W*(?:foto|photo|ilustrasi|illustration|gambar|image)\s*(?::|\(|-|–|/)\s*.{0,300}$"
    r"|^.{0,300}\((?:foto|photo|ist|istimewa|dok)\b[^)]{0,80}\)\s*$"
    r"|^.{10,300}[.!]?\s+(?:foto|photo)\s*:\s*[^.!?\n]{1,60}$",
    re.IGNORECASE,
)

# -- dateline and closing credit ----------------------------------------------------------------
_DASH = r"(?:\s+[-–—]{1,2}\s*|\s*[-–—]{1,2}\s+|\s*[–—]\s*|\s*--\s*)"
DATELINE_RE = re.compile(rf"^(?P<head>(?:[^\n.!?\"“”]|\.(?=\S)){{2,90}}?){_DASH}(?=\S)")
AGENCY_HINT_RE = re.compile(
    r"news|antara|infopublik|\.com|\.co\b|\.id\b|kompas|tempo|detik|okezone|liputan|viva|republika|tribun|cnn|jpnn|\bkp\b|\bmc\b|mmc|media|pos\b|post\b|times|online|radar",
    re.IGNORECASE,
)
CREDIT_PAREN_RE = re.compile(r"[\(\[](?P<credit>[^()\[\]\n]{1,90})[\)\]]\s*$")
CREDIT_LINE_RE = re.compile(r"^\W*(?P<credit>[A-Za-z][\w .]{0,30}(?:/\s*[\w .&-]{1,30}){1,5})\W*$")


@dataclass
class Byline:
    """Byline facts found in lines removed from the story text."""

    author: str | None = None
    reporter: str | None = None
    editor: str | None = None
    photographer: str | None = None
    date_text: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)


def _tidy_name(value: str) -> str | None:
    value = re.sub(r"\s+", " ", value).strip(" -–—|,:;.")
    value = re.sub(r"^(?:oleh|by)\s*:?\s*", "", value, flags=re.IGNORECASE)
    if not value or len(value) > 80 or not re.search(r"[A-Za-z]", value):
        return None
    return value


def _assign(byline: Byline, key: str, value: str) -> None:
    name = _tidy_name(value)
    if not name:
        return
    key = key.lower()
    if key.startswith(("editor", "redaktur", "penyunting", "editing")):
        byline.editor = byline.editor or name
    elif key.startswith(("fotografer", "foto", "photo")):
        byline.photographer = byline.photographer or name
    elif key.startswith(("sumber", "source")):
        return
    else:
        byline.reporter = byline.reporter or name


def parse_byline_line(line: str, byline: Byline) -> bool:
    """Record the facts of a byline line in ``byline``; return whether ``line`` is a byline.

    Args:
        line: One line of text.
        byline: Where reporter/editor/author/date text go.

    Returns:
        True if the line is a byline (and so not story text).
    """
    stripped = line.strip()
    if len(stripped) > 160:
        return False
    pairs = list(BYLINE_PAIR_RE.finditer(stripped))
    if len(pairs) >= 2:
        for m in pairs:
            _assign(byline, m["key"], m["value"])
        return True
    if m := BYLINE_FIELD_RE.match(stripped):
        _assign(byline, m["key"], m["value"])
        return True
    if m := REPORTED_BY_RE.match(stripped):
        byline.reporter = byline.reporter or _tidy_name(m["who"])
        return True
    if m := CONTRIBUTED_BY_RE.match(stripped):
        byline.author = byline.author or _tidy_name(m["who"])
        byline.date_text.append(stripped)
        return True
    if m := DATE_AUTHOR_RE.match(stripped):
        if m["who"]:
            byline.author = byline.author or _tidy_name(m["who"])
        byline.date_text.append(stripped)
        return True
    return False


def is_boilerplate_line(line: str) -> bool:
    """True for a line that is never story text (ads, share prompts, counters, tags, forms...).

    Args:
        line: One line (paragraph) of extracted text.

    Returns:
        Whether the line is boilerplate.
    """
    s = line.strip()
    if not s:
        return True
    if len(s) <= 120 and BOILERPLATE_LINE_RE.match(s):
        return True
    if RELATED_LINE_RE.match(s) and len(s) <= 250:
        return True
    if len(s) <= 300 and (TAG_LINE_RE.match(s) or CONTRIBUTOR_LINE_RE.match(s)):
        return True
    if len(s) <= 250 and PROMO_LINE_RE.search(s):
        return True
    if len(s) <= 120 and CONTACT_LINE_RE.match(s):
        return True
    return len(s) <= 80 and bool(COUNTER_LINE_RE.match(s) or COPYRIGHT_LINE_RE.match(s))


_INLINE_RELATED_RE = re.compile(
    r"\s*[\(\[]\s*(?:baca|lihat|simak)\s+(?:juga|pula)\s*:?[^()\[\]]{0,200}[\)\]]\s*", re.IGNORECASE
)
_INLINE_AD_RE = re.compile(r"\s*\b(?:ADVERTISEMENT|SCROLL TO CONTINUE WITH CONTENT)\b\s*")


def _looks_like_list_item(line: str) -> bool:
    """Short line without sentence punctuation: a link title in a list of other stories."""
    s = line.strip()
    return len(s) < 140 and not re.search(r"[.!?\"”]\s*$", s)


def clean_lines(text: str, title: str | None = None) -> tuple[list[str], Byline]:
    """Remove boilerplate lines from extracted text and collect byline facts.

    Args:
        text: trafilatura's plain text, one paragraph per line.
        title: The article title; a first line repeating it is dropped.

    Returns:
        ``(lines, byline)``: the story paragraphs and the byline facts found in removed lines.
    """
    byline = Byline()
    out: list[str] = []
    lines = [ln.strip() for ln in text.splitlines()]
    norm_title = _norm(title) if title else None
    in_list = False
    for i, raw in enumerate(lines):
        line = _INLINE_RELATED_RE.sub(" ", raw)
        line = _INLINE_AD_RE.sub(" ", line).strip()
        line = TRAILING_RELATED_RE.sub("", line)
        if not line:
            continue
        if in_list:
            if _looks_like_list_item(line) or is_boilerplate_line(line):
                continue
            in_list = False
        if LIST_HEADING_RE.match(line):
            in_list = True
            continue
        if (
            CONTRIBUTOR_LINE_RE.match(line)
            and out
            and len(out[-1]) < 60
            and not re.search(r"[.!?\"”)]$", out[-1])
        ):
            out.pop()  # the contributor box's name line above its blurb
            continue
        if is_boilerplate_line(line):
            continue
        if norm_title and len(out) < 5 and _norm(line) == norm_title:
            continue
        if len(line) <= 25 and re.fullmatch(r"[A-Za-z][A-Za-z'’-]*:?", line):
            continue  # a lone word between paragraphs: section label or ad-slot name, not prose
        # Bylines sit before the story or at its very end; elsewhere "Penulis: ..." could be prose.
        near_edge = not out or i >= len(lines) - 4
        if (near_edge or len(line) < 100) and parse_byline_line(line, byline):
            continue
        if CAPTION_LINE_RE.match(line) and len(line) < 300:
            byline.captions.append(line)
            continue
        out.append(line)
    # The dateline opens the story: short lines above it are captions of the lead photo or
    # kicker labels ("Twitter @Persib Samsul Arif gabung…", "FotoBisnis").
    for k in range(1, min(5, len(out))):
        _location, agency = split_dateline(out[k])
        if agency and all(len(x) < 300 for x in out[:k]):
            byline.captions.extend(x for x in out[:k] if len(x) >= 40)
            out = out[k:]
            break
    return out, byline


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def split_dateline(first_line: str) -> tuple[str | None, str | None]:
    """Location and agency of a dateline such as "Blora, InfoPublik - ..." or "MMCKalteng – Pangkalan Bun – ...".

    Args:
        first_line: The first paragraph of a story.

    Returns:
        ``(location, agency)``; either may be ``None``.
    """
    m = DATELINE_RE.match(first_line)
    if not m:
        return None, None
    head = m["head"].strip()
    rest = first_line[m.end() :]
    segments = [head]
    # "MMCKalteng – Pangkalan Bun – text": a second short segment before another dash.
    m2 = DATELINE_RE.match(rest)
    if m2 and len(m2["head"]) <= 40 and len(m2["head"].split()) <= 4 and _is_agency(head):
        segments.append(m2["head"].strip())
    parts: list[str] = []
    for seg in segments:
        seg = re.sub(r"\(([^)]*)\)", r", \1", seg)
        parts += [p.strip() for p in seg.split(",") if p.strip()]
    location = None
    agency = None
    for part in parts:
        if _is_agency(part):
            agency = agency or part
        elif location is None and _is_place(part):
            location = part.title() if part.isupper() and len(part) > 3 else part
    return location, agency


def _is_agency(part: str) -> bool:
    words = part.split()
    if len(words) == 1 and re.search(
        r"[a-z][A-Z]", part
    ):  # CamelCase brand: MMCKalteng, InfoPublik
        return True
    return bool(AGENCY_HINT_RE.search(part)) and len(words) <= 4


def _is_place(part: str) -> bool:
    words = part.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() for w in words if len(w) > 2)


def find_credit(lines: list[str]) -> str | None:
    """The closing credit of a story: "(MC. Pulang Pisau/Ayu …)", "MC Kalsel/Jml/YIN", "(nid/K-3)".

    Args:
        lines: The story paragraphs.

    Returns:
        The credit text without brackets, or ``None``.
    """
    if not lines:
        return None
    last = lines[-1].strip()
    if m := CREDIT_LINE_RE.match(last):
        return m["credit"].strip()
    if m := CREDIT_PAREN_RE.search(last):
        credit = m["credit"].strip()
        # A trailing parenthesis that is a sentence ("(22/3/2018)") or a long aside is no credit.
        if (
            credit
            and len(credit.split()) <= 8
            and re.search(r"[A-Za-z]", credit)
            and not re.fullmatch(r"[\d/ .-]+", credit)
        ):
            return credit
    # "... optimal," jelas Muslim. MC Kalsel/Jml/YIN  (credit glued to the last sentence)
    if m := re.search(r"[.!?\"”]\s+(?P<credit>[A-Z][\w .]{0,25}(?:/[\w .-]{1,20}){1,4})\s*$", last):
        return m["credit"].strip()
    return None


# -- markup ---------------------------------------------------------------------------------------
_BOILER_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|sosmed|addthis|sharethis|related|terkait|baca-?juga|bacajuga|readalso|read-also"
    r"|tags?|tag-?list|post-tags|tagcloud|comments?|komentar|disqus|respond|author-?box|kontributor|about-author"
    r"|printfriendly|pf-button|print|advert\w*|iklan|ads|ad-?slot|adsbygoogle|banner|newsletter|breadcrumbs?"
    r"|prev-?next|post-navigation|pagination|sidebar|widget|popular|terpopuler|most-?read|follow|subscribe)(?:$|[\s_-])",
    re.IGNORECASE,
)
_TAXONOMY_PREFIXES = ("tag-", "category-", "type-", "format-", "status-", "post_tag-", "kategori-")
_CAPTION_XPATH = "//figcaption|//*[contains(concat(' ', normalize-space(@class), ' '), ' wp-caption-text ')]|//*[contains(@class, 'caption')]"


def clean_tree(tree: lxml_html.HtmlElement) -> list[str]:
    """Remove boilerplate blocks and photo captions from a parsed page, in place.

    Args:
        tree: The parsed page (modified).

    Returns:
        The photo captions that were removed.
    """
    captions: list[str] = []
    for el in tree.xpath(_CAPTION_XPATH):
        text = " ".join(el.text_content().split())
        if not text or len(text) >= 400:
            continue
        link_text = sum(len(a.text_content()) for a in el.iter("a"))
        # Teaser cards of other stories also use "caption" classes: those are links, often
        # with a read counter; they are boilerplate, not captions of this story's photos.
        if link_text > 0.5 * len(text) or INLINE_COUNTER_RE.search(text) or el.xpath("ancestor::a"):
            continue
        captions.append(text)
        _drop(el)
    body_len = len(tree.text_content()) or 1
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "article", "main", "h1"):
            continue
        # WordPress puts taxonomy classes on the post wrapper ("tag-pelayanan",
        # "category-berita", "format-standard"): they describe the story, not a widget.
        tokens = [
            t
            for t in f"{el.get('class', '')} {el.get('id', '')}".split()
            if not t.lower().startswith(_TAXONOMY_PREFIXES)
        ]
        attrs = " ".join(tokens)
        if not attrs or not _BOILER_CLASS_RE.search(attrs):
            continue
        if el.getparent() is None:
            continue
        # Guards: a block holding the headline, a large share of the page's text or many long
        # paragraphs is a content wrapper with an unlucky class name ("post has-comments").
        if el.xpath(".//h1"):
            continue
        text_len = len(el.text_content())
        is_comments = bool(re.search(r"comment|komentar|disqus|respond", attrs, re.IGNORECASE))
        if text_len > 0.4 * body_len and not (
            is_comments and el.xpath(".//form|.//*[@id='respond']")
        ):
            continue
        long_paras = sum(1 for p in el.iter("p") if len(p.text_content()) > 200)
        if long_paras >= 3 and not is_comments:
            continue
        _drop(el)
    return captions


def _drop(el: lxml_html.HtmlElement) -> None:
    parent = el.getparent()
    if parent is None:
        return
    # Keep the tail text (it belongs to the parent), then drop the element.
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
