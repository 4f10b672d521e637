"""Bad input never crashes extraction: a clear per-page error or is_article false."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import ExtractOptions, decode_html, extract

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ARTICLE = (FIXTURES / "kp_wordpress.html").read_text("utf-8")


@pytest.mark.parametrize("page", [b"", "", "   \n  ", b"\xef\xbb\xbf"])
def test_empty(page: str | bytes) -> None:
    r = extract(page)
    assert r.is_article is False
    assert r.error and "empty" in r.error


@pytest.mark.parametrize(
    "page",
    [bytes(range(256)) * 50, b"\x89PNG\r\n\x1a\n" + bytes(4000), b"%PDF-1.4\n\x00\x01\x02" * 500],
)
def test_binary(page: bytes) -> None:
    r = extract(page)
    assert r.is_article is False
    assert r.error and ("binary" in r.error or "undecodable" in r.error)


def test_truncated_page_keeps_what_is_there() -> None:
    cut = ARTICLE[: ARTICLE.index("pojok digital") + 5]  # ends inside a paragraph, tags open
    r = extract(cut)
    assert r.error is None
    assert "Dinas Perpustakaan dan Kearsipan" in r.text
    assert r.title == "Dinas Perpustakaan Buka Layanan Malam Hari"


def test_twenty_megabytes_is_refused_quickly() -> None:
    page = b"<html><body>" + b"<p>kata kata kata kata.</p>" * 800_000 + b"</body></html>"
    assert len(page) > 20_000_000
    r = extract(page)
    assert r.is_article is False
    assert r.error and "too large" in r.error


def test_windows_1252_declared_as_utf8() -> None:
    page = ARTICLE.encode("windows-1252", errors="replace")
    assert b"\x93" in page  # the curly quote as a cp1252 byte, invalid in UTF-8
    r = extract(page)
    assert r.is_article
    assert "“Banyak warga" in r.text
    assert "\ufffd" not in r.text


def test_utf8_declared_as_windows_1252() -> None:
    page = ARTICLE.replace('charset="UTF-8"', 'charset="windows-1252"').replace(
        "Rahmat Hidayat", "Rahmat Hidâyat"
    )
    r = extract(page.encode("utf-8"))
    assert r.is_article
    assert "“Banyak warga" in r.text and "Hidâyat" in r.text
    assert "â€œ" not in r.text and "Ã¢" not in r.text


def test_decode_prefers_valid_utf8_and_falls_back() -> None:
    text = "Kafé “kata” warga"
    assert decode_html(text.encode()) == text
    assert decode_html(text.encode("windows-1252")) == text
    assert decode_html(b'<meta charset="iso-8859-1">\xe9').endswith("é")


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><script>var a = 1;</script><style>p{}</style></head><body></body></html>",
        "<html><body><img src='x.jpg'><nav><a href='/'>Beranda</a></nav></body></html>",
        "<<<>>><p<<>>",
        "<html><body><p>Terlalu pendek.</p></body></html>",
        "plain text without any markup at all",
    ],
)
def test_pages_without_text(page: str) -> None:
    r = extract(page)
    assert r.is_article is False


def test_time_limit_gives_error() -> None:
    paragraph = "<p>" + "Warga desa memperbaiki jalan bersama pada hari Minggu pagi. " * 20 + "</p>"
    page = "<html><body><article>" + paragraph * 3000 + "</article></body></html>"
    r = extract(page, options=ExtractOptions(time_limit_s=0.01, max_bytes=50_000_000))
    assert r.is_article is False
    assert r.error and r.error.startswith("time limit")
