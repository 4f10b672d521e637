"""Extraction on saved replica pages (our own words, in the markup of Indonesian regional CMSs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.extract import EXTRACTOR_VERSION, Extracted, ExtractOptions, extract, extract_file

FIXTURES = Path(__file__).parent / "fixtures" / "extract"

# Phrases that must never survive into story text, whatever the page.
BOILERPLATE = [
    r"baca juga",
    r"berita terkait",
    r"^\W*iklan\W*$",
    r"advertisement",
    r"scroll to continue",
    r"sebarkan artikel ini",
    r"^\W*bagikan",
    r"google news",
    r"ikuti kami",
    r"leave a reply",
    r"please enter your",
    r"dibaca \d+ kali",
    r"^\W*\d+\W*$",
    r"^\W*tags?\W*$",
    r"merupakan salah satu kontributor",
    r"print friendly",
    r"berita lainnya|berita terbaru|radio corner",
    r"^\W*(?:reporter|editor|penulis|pewarta)\s*:",
    r"minggu, 22 november 2026",
]


def _run(name: str, url: str | None = None) -> Extracted:
    return extract_file(str(FIXTURES / name), url=url)


def assert_clean(text: str) -> None:
    for pattern in BOILERPLATE:
        hit = re.search(pattern, text, re.IGNORECASE | re.MULTILINE)
        assert hit is None, f"boilerplate {pattern!r} leaked: {hit.group(0)!r}"


def test_wordpress_regional_page() -> None:
    r = _run("kp_wordpress.html")
    assert r.is_article and r.error is None
    assert r.title == "Dinas Perpustakaan Buka Layanan Malam Hari"
    # Header "today" widget says 2026; the article's own byline says 28 September 2020.
    assert r.date == "2020-09-28"
    assert r.location == "Banjarmasin"
    assert r.credit == "rdn/K-7"
    assert r.language == "id"
    assert r.text.startswith("Banjarmasin, KW – Dinas Perpustakaan")  # dateline kept
    assert r.text.rstrip().endswith("(rdn/K-7)")  # closing credit kept
    assert "pojok digital" in r.text and "layanan antar buku" in r.text
    assert "Pasar Terapung" not in r.text  # the related-link title goes with its label
    assert_clean(r.text)


def test_mmc_contributor_page() -> None:
    r = _run("mmc_kontributor.html")
    assert r.is_article
    assert r.title == "Puskesmas Keliling Sambangi Desa Bantaran Sungai"
    assert r.date == "2018-01-30"
    assert r.author == "Kominfo Kotawaringin Barat"
    assert r.location == "Pangkalan Bun"
    assert r.credit == "MC. Kobar/Dimas Reporter Radio Kobar FM"
    assert r.text.startswith("MMCKalteng – Pangkalan Bun – Tim puskesmas")
    assert "Jembatan Gantung" not in r.text
    assert "Kominfo Kotawaringin Barat" not in r.text  # contributor box name
    assert_clean(r.text)


def test_print_widget_and_text_date() -> None:
    r = _run("portal_print.html")
    assert r.is_article
    assert r.date == "2018-03-22"  # only written as "Kamis (22/3/2018)"; header says 2026
    assert r.location == "Buntok"
    assert r.credit == "dnl"
    assert_clean(r.text)


def test_infopublik_byline_caption_and_fields() -> None:
    r = _run("infopublik_like.html")
    assert r.is_article
    # The h1 is in capitals; the <title> gives the proper case, without " | InfoPublik".
    assert r.title == "Diskominfo Blora Latih Operator Desa Kelola Situs Web"
    assert r.date == "2022-07-05"
    assert r.author == "Ita Wijayanti"
    assert r.reporter == "Ita Wijayanti"
    assert r.editor == "Yudi Rahmat"
    assert r.location == "Blora"
    assert r.credit == "MC Kab Blora/Nas/YIN"
    assert any("Peserta pelatihan" in c for c in r.captions)
    assert "Peserta pelatihan" not in r.text
    assert "Ngawen" not in r.text  # "BACA JUGA" line without colon
    assert r.text.startswith("Blora, InfoPublik - Dinas Komunikasi")
    assert_clean(r.text)


def test_comments_counters_related_box() -> None:
    r = _run("pelopor_comments.html")
    assert r.is_article
    assert r.date == "2022-06-15"  # meta wins over the header widget
    assert r.author == "Redaksi Pelopor"
    assert r.location == "Tanah Bumbu"
    assert r.credit == "Team"
    assert "Petani Jagung" not in r.text  # "Baca juga" without colon
    assert "Mal Pelayanan Publik" not in r.text  # "Berita Terkait" box inside the body
    assert "Pelayanan prima bukan slogan" in r.text
    assert_clean(r.text)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("listing_kategori.html", "https://kalimantanwarta.example/category/pemerintahan/page/2/"),
        ("listing_kategori.html", None),
        ("kontak.html", "https://kalimantanwarta.example/kontak/"),
    ],
)
def test_non_article_pages(name: str, url: str | None) -> None:
    r = _run(name, url)
    assert r.is_article is False


def test_url_date_when_page_has_none() -> None:
    html = (
        (FIXTURES / "kp_wordpress.html").read_text("utf-8").replace("Senin, 28 September 2020", "")
    )
    html = html.replace("Senin (28/9/2020)", "Senin")
    r = extract(html, url="https://kalimantanwarta.example/2020/09/27/dinas-perpustakaan/")
    assert r.date == "2020-09-27"
    assert r.date_source == "url"


def test_to_dict_contract() -> None:
    d = _run("kp_wordpress.html").to_dict()
    for key in (
        "title",
        "date",
        "author",
        "text",
        "is_article",
        "language",
        "location",
        "credit",
        "url",
        "error",
        "reporter",
        "editor",
        "captions",
    ):
        assert key in d
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", d["date"])
    assert d["extra"]["extractor"] == EXTRACTOR_VERSION


def test_clean_false_is_plain_trafilatura_text() -> None:
    r = extract((FIXTURES / "kp_wordpress.html").read_bytes(), options=ExtractOptions(clean=False))
    assert "Baca Juga" in r.text or "Iklan" in r.text  # the residue Pantau's cleaning removes


def test_wordpress_taxonomy_classes_do_not_hide_the_story() -> None:
    r = _run("wp_taxonomy_classes.html")
    assert r.error is None
    assert r.text.startswith("Muara Teweh – Ratusan warga")
    assert "Lurah Lanjas" in r.text
    assert "Harga Karet" not in r.text
    assert r.date == "2020-11-08"
    assert r.location == "Muara Teweh"
    assert r.credit == "wh"


def test_logo_h1_in_header_does_not_anchor_the_byline() -> None:
    r = _run("logo_h1.html")
    assert r.title == "Posyandu Lansia Dibuka di Setiap RT"
    assert r.date == "2020-03-12"  # not the header's "today" widget next to the logo
    assert r.location == "Kuala Pembuang"


def test_front_page_and_teaser_lists_are_not_articles() -> None:
    teaser = (
        "<div><h3><a href='/b/{0}'>Judul berita nomor {0} tentang pelayanan publik</a></h3>"
        "<p>Pemerintah kabupaten kembali menggelar kegiatan pelayanan terpadu bagi warga di "
        "kecamatan yang jauh dari pusat kota dan mendapat sambutan hangat dari masyarakat…</p></div>"
    )
    page = (
        "<html><body><main>" + "".join(teaser.format(i) for i in range(8)) + "</main></body></html>"
    )
    assert extract(page).is_article is False
    article = (FIXTURES / "kp_wordpress.html").read_text("utf-8")
    assert extract(article, url="https://kalimantanwarta.example/").is_article is False
    assert extract(article, url="https://kalimantanwarta.example/2020/09/28/x/").is_article
