"""models.build_data: splits, held-out authored sets, second annotation, reproducible output."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from models.build_data import build


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> dict:
    corpus = [
        {"id": f"a{i:02d}", "source": "kumparan", "title": None, "slug": f"berita-{i}",
         "text": f"Isi berita nomor {i}."}
        for i in range(20)
    ]  # fmt: skip
    read = [
        {"id": f"a{i:02d}", "kerja_sama": int(i % 4 == 0), "pungli": int(i % 4 == 1),
         "digitalisasi": int(i % 4 == 2), "uncertain": i == 3, "reason": f"r{i}"}
        for i in range(12)
    ]  # fmt: skip

    def authored(prefix: str, n: int) -> list[dict]:
        return [
            {"id": f"{prefix}-{k:04d}", "title": f"Judul {k}", "text": "Teks.", "kerja_sama": 1,
             "pungli": 0, "digitalisasi": 0, "uncertain": False, "origin": "synthetic",
             "note": "n"}
            for k in range(1, n + 1)
        ]  # fmt: skip

    second = [{**r, "kerja_sama": 1 - r["kerja_sama"]} for r in read[:4]]
    return {
        "labels": [_jsonl(tmp_path / "labels_in.jsonl", read)],
        "synthetic": [_jsonl(tmp_path / "syn.jsonl", authored("syn", 3))],
        "corpus": _jsonl(tmp_path / "corpus.jsonl", corpus),
        "held_out": {
            "regional_dev": [_jsonl(tmp_path / "dev.jsonl", authored("syn3d", 2))],
            "regional_test": [_jsonl(tmp_path / "test.jsonl", authored("syn3e", 2))],
        },
        "second": [_jsonl(tmp_path / "second.jsonl", second)],
    }


def _build(inputs: dict, out: Path) -> dict[str, dict]:
    build(
        inputs["labels"], inputs["synthetic"], inputs["corpus"], out,
        inputs["held_out"], inputs["second"],
    )  # fmt: skip
    with (out / "labels.jsonl").open(encoding="utf-8") as fh:
        return {r["id"]: r for r in map(json.loads, fh)}


def test_splits_origins_and_second_annotation(inputs: dict, tmp_path: Path) -> None:
    labels = _build(inputs, tmp_path / "out")
    assert len(labels) == 20 + 3 + 2 + 2
    read = [r for i, r in labels.items() if i < "a12"]
    assert {r["split"] for r in read} <= {"train", "dev", "test"}
    assert any(r["split"] == "test" for r in read)
    weak = [labels[f"a{i:02d}"] for i in range(12, 20)]
    assert all(r["labels"] == [] and r["note"].startswith("weak negative") for r in weak)
    assert {r["split"] for r in weak} <= {"train", "weak_test"}
    assert {labels[f"syn-{k:04d}"]["split"] for k in (1, 2, 3)} == {"train"}
    assert labels["syn3d-0001"]["split"] == "regional_dev"
    assert labels["syn3e-0002"]["split"] == "regional_test"
    assert labels["a00"]["labels"] == ["kerja_sama"] and labels["a03"]["uncertain"]
    with gzip.open(tmp_path / "out" / "texts.jsonl.gz", "rt", encoding="utf-8") as fh:
        texts = {r["id"]: r for r in map(json.loads, fh)}
    assert set(texts) == set(labels)
    assert texts["a05"]["title"] == "berita 5"  # IndoSum has no titles: the slug stands in
    second = (tmp_path / "out" / "second_annotation.jsonl").read_text().splitlines()
    by_id = {r["id"]: r for r in map(json.loads, second)}
    assert by_id["a00"]["labels"] == [] and by_id["a01"]["labels"] == ["kerja_sama", "pungli"]


def test_rebuild_is_byte_identical(inputs: dict, tmp_path: Path) -> None:
    _build(inputs, tmp_path / "one")
    _build(inputs, tmp_path / "two")
    for name in ("labels.jsonl", "texts.jsonl.gz", "second_annotation.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_second_annotation_of_an_unread_article_is_refused(inputs: dict, tmp_path: Path) -> None:
    inputs["second"] = [
        _jsonl(tmp_path / "bad.jsonl", [{"id": "a15", "kerja_sama": 1, "pungli": 0,
                                         "digitalisasi": 0}])
    ]  # fmt: skip
    with pytest.raises(SystemExit, match="unread"):
        _build(inputs, tmp_path / "out")
