"""A small, realistic store fixture: Indonesian regional news with topic decisions.

Used by tests/test_store*.py and tests/test_notebooks.py (until the lead's ``demo_db``
session fixture replaces it there). Everything goes through the public write API.
"""

from __future__ import annotations

from pathlib import Path

from pipeline import store

SOURCES = [
    {
        "id": "suarasby",
        "name": "Suara Surabaya",
        "base_url": "https://suarasby.example",
        "province": "Jawa Timur",
        "region": "Jawa",
        "enabled": True,
        "expected_days": 2,
    },
    {
        "id": "kaltengpos",
        "name": "Kalteng Pos",
        "base_url": "https://kaltengpos.example",
        "province": "Kalimantan Tengah",
        "region": "Kalimantan",
        "enabled": True,
        "expected_days": 3,
    },
    {
        "id": "makassarnews",
        "name": "Makassar News",
        "base_url": "https://makassarnews.example",
        "province": "Sulawesi Selatan",
        "region": "Sulawesi",
        "enabled": True,
        "expected_days": 2,
    },
]

# (title, text, {topic: (probability, evidence)})
STORIES = [
    (
        "Orang tua murid keluhkan pungutan liar di sekolah negeri",
        "Sejumlah orang tua murid mengeluhkan pungutan liar yang dilakukan oknum komite "
        "sekolah. Mereka diminta membayar uang seragam dan uang gedung tanpa kuitansi. "
        "Dinas pendidikan berjanji menindak pungutan tersebut.",
        {"pungli": (0.93, [("pungut", 2.1), ("liar", 1.4), ("kuitansi", 0.6)])},
    ),
    (
        "Pemkab dan universitas teken nota kesepahaman kerja sama",
        "Pemerintah kabupaten menandatangani nota kesepahaman kerja sama dengan universitas "
        "negeri untuk penelitian pertanian dan pelatihan aparatur desa.",
        {"kerja_sama": (0.88, [("kerja_sama", 1.9), ("nota_kesepahaman", 1.5)])},
    ),
    (
        "Layanan perizinan kini lewat aplikasi daring",
        "Dinas penanaman modal meluncurkan aplikasi layanan perizinan daring. Warga tidak "
        "perlu lagi datang ke kantor; digitalisasi layanan ini memangkas waktu pengurusan.",
        {"digitalisasi": (0.91, [("aplikasi", 1.7), ("daring", 1.2), ("digitalisasi", 1.1)])},
    ),
    (
        "Sopir truk mengaku dimintai uang di jembatan timbang",
        "Para sopir truk mengaku dimintai uang oleh petugas di jembatan timbang tanpa karcis "
        "resmi. Polisi menyelidiki dugaan pungli tersebut.",
        {"pungli": (0.81, [("pungli", 2.4), ("karcis", 0.7)])},
    ),
    (
        "Pemprov jalin kemitraan dengan investor pelabuhan",
        "Pemerintah provinsi menjalin kemitraan dengan investor untuk pembangunan pelabuhan. "
        "Kerja sama ini diharapkan membuka lapangan kerja.",
        {"kerja_sama": (0.64, [("kemitraan", 1.3), ("kerja_sama", 1.0)])},
    ),
    (
        "Desa terapkan sistem informasi keuangan digital",
        "Pemerintah desa menerapkan sistem informasi keuangan berbasis digital agar "
        "pengelolaan dana desa lebih transparan dan dapat dipantau warga.",
        {
            "digitalisasi": (0.57, [("digital", 1.0), ("sistem_informasi", 0.8)]),
            "pungli": (0.22, [("dana", 0.3)]),
        },
    ),
    (
        "Banjir rendam ratusan rumah warga di bantaran sungai",
        "Hujan deras semalaman membuat sungai meluap dan merendam ratusan rumah warga. "
        "BPBD mendirikan posko pengungsian.",
        {},
    ),
    (
        "Pelayanan KTP elektronik dikeluhkan lambat, warga diminta bayar",
        "Warga mengeluhkan pelayanan KTP elektronik yang lambat. Beberapa warga mengaku "
        "diminta membayar agar berkas cepat diproses, padahal layanan itu gratis.",
        {
            "pungli": (0.49, [("bayar", 0.9), ("gratis", 0.4)]),
            "digitalisasi": (0.31, [("elektronik", 0.6)]),
        },
    ),
]

TOPICS = ("digitalisasi", "kerja_sama", "pungli")
MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06")


def story_url(source: str, month: str, i: int) -> str:
    """Canonical URL of fixture story ``i`` of ``source`` in ``month``."""
    return f"https://{source}.example/berita/{month}/{i}"


def build(path: Path, model_version: str = "tfidf-logreg-2024.1") -> Path:
    """Fill ``path`` with 3 sources x 6 months x a rotating subset of stories.

    Args:
        path: Database file to create.
        model_version: Model version recorded with the topic rows.

    Returns:
        ``path``.
    """
    store.upsert_sources(path, SOURCES)
    run_id = store.start_run(path, [s["id"] for s in SOURCES])
    result = store.write_batch(path, make_batch(run_id, model_version))
    for src in SOURCES:
        store.finish_run(
            path,
            run_id,
            src["id"],
            {
                "requests": 20,
                "pages": 18,
                "new_articles": result.new_articles // len(SOURCES),
                "changed_articles": 0,
                "errors": 1,
                "errors_by_kind": {"extract": 1},
                "status_counts": {200: 18, 404: 2},
                "duration_s": 12.5,
                "finish_reason": "finished",
                "status": "ok",
                "message": "",
            },
        )
    store.rebuild_search_index(path)
    return path


def make_batch(run_id: str, model_version: str = "tfidf-logreg-2024.1") -> store.Batch:
    """The fixture's pages, articles, topics and errors as one batch."""
    batch = store.Batch()
    for si, src in enumerate(SOURCES):
        for mi, month in enumerate(MONTHS):
            for k in range(3):
                i = (si + mi + k * 3) % len(STORIES)
                title, text, topics = STORIES[i]
                url = story_url(src["id"], month, i)
                day = 1 + (k * 9 + si) % 27
                fetched = f"{month}-{day:02d}T08:00:00+07:00"
                batch.pages.append(
                    store.PageRecord(
                        run_id=run_id,
                        source=src["id"],
                        url=url,
                        canonical_url=url,
                        status=200,
                        headers={"content-type": "text/html; charset=utf-8"},
                        body=f"<html><h1>{title}</h1><p>{text}</p></html>".encode(),
                        fetched_at=fetched,
                    )
                )
                batch.articles.append(
                    store.ArticleRecord(
                        source=src["id"],
                        url=url,
                        canonical_url=url,
                        title=title,
                        published=f"{month}-{day:02d}",
                        author="Redaksi",
                        location=src["province"],
                        credit=None,
                        text=text,
                        language="id",
                        extractor_version="trafilatura-2.3.1/1",
                        fetched_at=fetched,
                        extra={},
                    )
                )
                for topic in TOPICS:
                    prob, evidence = topics.get(topic, (0.05, []))
                    batch.topics.append(
                        store.TopicRecord(
                            canonical_url=url,
                            topic=topic,
                            probability=prob,
                            label=prob >= 0.5,
                            evidence=evidence,
                            model_version=model_version,
                        )
                    )
        batch.errors.append(
            store.ErrorRecord(
                run_id=run_id,
                source=src["id"],
                url=f"https://{src['id']}.example/berita/rusak",
                stage="extract",
                reason="no article text found",
                at="2024-06-30T08:00:00+07:00",
            )
        )
    return batch
