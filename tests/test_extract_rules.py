"""Unit rules: Indonesian dates, language profiles, boilerplate lines, bylines, datelines, credits."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline import clean
from pipeline.dates import date_from_url, parse_any_date, parse_numeric_date, parse_written_date
from pipeline.langid import detect_language

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Selasa, 05 Juli 2022 - Ita Wijayanti", "2022-07-05"),
        ("Kontribusi dari X, 30 Januari 2018 11:55, Dibaca 3 kali.", "2018-01-30"),
        ("diperbarui 1 Agustus 2019", "2019-08-01"),
        ("5 Nopember 2015 pukul 10.00 WIB", "2015-11-05"),
        ("November 5, 2015", "2015-11-05"),
        ("tanggal 31 Februari 2020", None),  # impossible day
        ("Sabtu, 1 Januari 2050", None),  # future
    ],
)
def test_written_dates(text: str, iso: str | None) -> None:
    assert parse_written_date(text, today=TODAY) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Kamis (22/3/2018)", "2018-03-22"),
        ("Rabu (15/6/22) pagi", "2022-06-15"),
        ("2015-11-05T14:56:43+07:00", "2015-11-05"),
        ("Senin, 05/11/2015 09:25 WIB", "2015-11-05"),
        ("skor 3/4 dan 1/2", None),
    ],
)
def test_numeric_dates(text: str, iso: str | None) -> None:
    assert parse_numeric_date(text, today=TODAY) == iso


@pytest.mark.parametrize(
    ("url", "iso"),
    [
        ("http://regional.kompas.com/read/2015/11/04/21040031/judul", "2015-11-04"),
        ("https://x.example/2020/09/27/judul/", "2020-09-27"),
        (
            "http://nasional.republika.co.id/berita/nasional/daerah/16/02/15/o2l07x284-judul",
            "2016-02-15",
        ),
        ("https://x.example/berita/read/12345/judul", None),
        (None, None),
    ],
)
def test_url_dates(url: str | None, iso: str | None) -> None:
    assert date_from_url(url, today=TODAY) == iso


def test_any_date_takes_earliest_in_text() -> None:
    assert parse_any_date("Kamis (22/3/2018) dan 19 Oktober 2017", today=TODAY) == "2017-10-19"


INDONESIAN = (
    "Pemerintah kabupaten akan memperbaiki jalan desa karena banyak warga mengeluh. "
    "Kepala dinas mengatakan pekerjaan bisa dimulai setelah anggaran disetujui DPRD, "
    "tetapi warga diminta bersabar karena hujan masih sering turun di wilayah itu."
)
MALAY = (
    "Kerajaan negeri berkata projek jalan kampung itu akan siap selepas dua bulan kerana "
    "kontraktor boleh menambah pekerja. Beliau berkata wang sebanyak RM2 juta sudah "
    "diperuntukkan dan orang ramai tidak perlu bimbang, iaitu kerja akan bermula sahaja "
    "selepas musim hujan."
)
ENGLISH = (
    "The district government said the village road would be repaired after the budget was "
    "approved, and residents were asked to be patient because it has been raining for weeks "
    "in the area that was hit by floods."
)


@pytest.mark.parametrize(
    ("text", "lang"), [(INDONESIAN, "id"), (MALAY, "ms"), (ENGLISH, "en"), ("terlalu pendek", None)]
)
def test_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    "line",
    [
        "Baca Juga: Jalan Baru Dibuka",
        "BACA JUGA Jalan Baru Dibuka",
        "(Baca Juga : Jalan Baru Dibuka)",
        "Baca juga Jalan Baru Dibuka",
        "Lihat Juga: Video Banjir",
        "Iklan",
        "ADVERTISEMENT",
        "SCROLL TO CONTINUE WITH CONTENT",
        "Sebarkan artikel ini",
        "Bagikan:",
        "Bagikan artikel ini ke Facebook",
        "Simak berita lainnya di Google News",
        "Ikuti kami di Instagram",
        "LEAVE A REPLY",
        "Please enter your comment!",
        "Please enter your name here",
        "Dibaca 3 kali",
        "81",
        "81 0",
        "TAG",
        "Tags: pelayanan, publik",
        "Merupakan salah satu kontributor di Multimedia Center Provinsi Kalimantan Tengah.",
        "Print Friendly and PDF",
        "Berita Lainnya",
        "Berita Terbaru",
        "Radio Corner",
        "Copyright © 2024 Warta. All rights reserved.",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert clean.is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Bupati meminta warga membaca juga peraturan daerah yang baru sebelum mengurus izin.",
        "Iklan rokok di jalan protokol akan ditertibkan mulai bulan depan, kata wali kota.",
        "Warga yang ingin berbagi informasi dapat menghubungi posko di kantor kecamatan.",
        "Sebanyak 81 desa sudah memiliki situs web sendiri.",
    ],
)
def test_story_lines_are_kept(line: str) -> None:
    assert not clean.is_boilerplate_line(line)


def test_clean_lines_moves_bylines_to_fields() -> None:
    text = "\n".join(
        [
            "Selasa, 05 Juli 2022 - Ita Wijayanti",
            "Blora, InfoPublik - Warga desa mulai menggunakan layanan surat daring sejak pekan lalu.",
            "Layanan itu mempercepat pengurusan surat keterangan usaha, kata kepala desa.",
            "Reporter: Ita Wijayanti | Editor: Yudi Rahmat",
            "Pewarta: Budi Santoso",
        ]
    )
    lines, byline = clean.clean_lines(text)
    assert lines[0].startswith("Blora, InfoPublik - ")
    assert len(lines) == 2
    assert byline.author == "Ita Wijayanti"
    assert byline.reporter == "Ita Wijayanti"
    assert byline.editor == "Yudi Rahmat"
    assert byline.date_text == ["Selasa, 05 Juli 2022 - Ita Wijayanti"]


def test_related_list_after_heading_is_dropped_but_story_resumes() -> None:
    text = "\n".join(
        [
            "Palangka Raya – Paragraf pertama cerita yang cukup panjang untuk dianggap sebagai prosa berita.",
            "Berita Terkait",
            "Judul Berita Lain Pertama",
            "Judul Berita Lain Kedua",
            "Paragraf berikutnya dari cerita yang sama tetap dipertahankan karena merupakan kalimat lengkap.",
        ]
    )
    lines, _ = clean.clean_lines(text)
    assert lines == [text.splitlines()[0], text.splitlines()[-1]]


@pytest.mark.parametrize(
    ("line", "location"),
    [
        ("MMCKalteng – Pangkalan Bun – Bupati meresmikan pasar.", "Pangkalan Bun"),
        ("Blora, InfoPublik - Warga desa mulai menggunakan layanan.", "Blora"),
        ("BUNTOK - Pemerintah Kabupaten Barito Selatan berjanji.", "Buntok"),
        ("Banjarmasin, KP – Wakil Ketua DPRD berharap.", "Banjarmasin"),
        ("Mataram, NTB (ANTARA News) - Sebanyak 29 penerbangan dibatalkan.", "Mataram"),
        ("KUTA, KOMPAS.com — Penyerang anyar Persib bertekad.", "Kuta"),
        ("MMCKalteng - Bupati Pulang Pisau, Edy Pratowo dipastikan cuti.", None),
        ("Pemerintah kabupaten akan memperbaiki jalan desa tahun ini.", None),
    ],
)
def test_dateline_location(line: str, location: str | None) -> None:
    assert clean.split_dateline(line)[0] == location


@pytest.mark.parametrize(
    ("last", "credit"),
    [
        (
            "bagi masyarakat, tegasnya. (MC. Pulang Pisau/Ayu Reporter Radio H2FM)",
            "MC. Pulang Pisau/Ayu Reporter Radio H2FM",
        ),
        ('berjalan dengan optimal," jelas Muslim. MC Kalsel/Jml/YIN', "MC Kalsel/Jml/YIN"),
        ("MC Kalteng/Demo/YIN", "MC Kalteng/Demo/YIN"),
        ("belum memadai. (nid/K-3)", "nid/K-3"),
        ("di Aula Eka Pakat, Kantor Gubernur Kalteng.[tampetu]", "tampetu"),
        ("Acara digelar Kamis (22/3/2018)", None),
        ("Acara berlangsung meriah dan ditutup dengan doa bersama.", None),
    ],
)
def test_credit(last: str, credit: str | None) -> None:
    assert clean.find_credit(["Paragraf pembuka.", last]) == credit


@pytest.mark.parametrize(
    "line",
    [
        "Artikel ini telah tayang di Warta.example dengan judul Jalan Baru Dibuka",
        "Mari bergabung di Grup Telegram Warta News Update, caranya klik link lalu join.",
        "Halaman: 1 2 3 Selanjutnya",
        "Download aplikasi Warta untuk berita terkini",
    ],
)
def test_promo_and_pagination_lines(line: str) -> None:
    assert clean.is_boilerplate_line(line)


def test_trailing_related_link_is_cut_and_tribun_byline_moves() -> None:
    text = "\n".join(
        [
            "Laporan Wartawan Warta.example, Dewi Lestari",
            "JAKARTA, WARTA - Warga menyambut baik pembukaan jalan baru itu, kata dia. Baca juga: Jalan Lain Ditutup Sementara",
            "Paragraf kedua berita yang tetap ada karena merupakan kalimat lengkap dari cerita.",
        ]
    )
    lines, byline = clean.clean_lines(text)
    assert byline.reporter == "Dewi Lestari"
    assert lines[0].endswith("kata dia.")
    assert clean.split_dateline(lines[0])[0] == "Jakarta"


def test_no_credit_from_symbols() -> None:
    assert clean.find_credit(["Paragraf.", "Acara selesai pukul 12.00. (*)"]) is None
