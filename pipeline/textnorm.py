"""Indonesian text normalisation shared by training and inference.

Tokenise, join protected phrases, drop stop words, stem with Sastrawi (each distinct token
once). Public entry point: :class:`Normalizer`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

TOKEN_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Multi-word concepts joined into one token *before* stop-word removal: Sastrawi's list
# contains "kerja", "sama" and "bersama", which would delete the MoU concept.
PHRASES = {
    "kerja sama": "kerja_sama",
    "kerjasama": "kerja_sama",
    "nota kesepahaman": "nota_kesepahaman",
    "pungutan liar": "pungutan_liar",
    "pelayanan publik": "pelayanan_publik",
    "layanan publik": "pelayanan_publik",
    "transformasi digital": "transformasi_digital",
    "operasi tangkap tangan": "operasi_tangkap_tangan",
}

# Sastrawi over-stems some topic words; map them to the root a reader expects.
STEM_FIXES = {
    "disepakati": "sepakat",
    "menyepakati": "sepakat",
    "kesepakatan": "sepakat",
}


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    words = set(StopWordRemoverFactory().get_stop_words())
    return frozenset(words - {"kerja", "sama", "bersama"})


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Stem one token, once per distinct token (memoised)."""
    if "_" in token or "-" in token or token.isdigit():
        return token
    if token in STEM_FIXES:
        return STEM_FIXES[token]
    return _stemmer().stem(token) or token


class Normalizer:
    """Callable text → stemmed tokens; module-level so scikit-learn pipelines pickle safely."""

    def __call__(self, text: str) -> list[str]:
        return normalize(text)


def normalize(text: str) -> list[str]:
    """Lower-case, join phrases, tokenise, drop stop words and stem.

    Args:
        text: Any Indonesian text.

    Returns:
        Stemmed content tokens, e.g. ``["kerja_sama", ...]``.
    """
    text = text.lower()
    for phrase, joined in PHRASES.items():
        text = text.replace(phrase, joined)
    stop = _stopwords()
    return [
        stem(t)
        for t in re.findall(r"[a-z0-9_]+(?:-[a-z0-9_]+)*", text)
        if t not in stop and len(t) > 1
    ]
