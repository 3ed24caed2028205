"""Readability formulas per language, each with its published source, and the syllables each one counts.

Every formula reads the same three counts (words, sentences, syllables; see counting.py). A grade formula
says how many years of schooling a text asks for (lower is easier); an ease formula gives 0-100 (higher
is easier). Syllables come from pyphen's hyphenation dictionaries (LibreOffice's, shipped in the wheel: no
download), except English, whose tuned counter is in english.py.

Sources:
- Flesch-Kincaid grade (English): Kincaid, J. P., Fishburne, R. P., Rogers, R. L., & Chissom, B. S. (1975).
  Derivation of new readability formulas (Automated Readability Index, Fog Count and Flesch Reading Ease
  Formula) for Navy enlisted personnel (Research Branch Report 8-75). Naval Technical Training Command.
  Grade = 0.39 * words/sentences + 11.8 * syllables/words - 15.59.
- Szigriszt-Pazos perspicuity (Spanish): Szigriszt Pazos, F. (1993). Sistemas predictivos de legibilidad
  del mensaje escrito: fórmula de perspicuidad [Doctoral thesis, Universidad Complutense de Madrid].
  P = 206.835 - 62.3 * syllables/words - words/sentences. Its reading scale for health information is
  INFLESZ: Barrio-Cantalejo, I. M., et al. (2008). Validación de la Escala INFLESZ para evaluar la
  legibilidad de los textos dirigidos a pacientes. Anales del Sistema Sanitario de Navarra, 31(2), 135-152
  ("normal" from 55).
- Kandel-Moles (French): Kandel, L., & Moles, A. (1958). Application de l'indice de Flesch à la langue
  française. Cahiers Études de Radio-Télévision, 19, 253-274.
  L = 207 - 1.015 * words/sentences - 73.6 * syllables/words.
- Amstad (German): Amstad, T. (1978). Wie verständlich sind unsere Zeitungen? [Doctoral thesis, Universität
  Zürich]. FRE(de) = 180 - words/sentences - 58.5 * syllables/words.
The ease targets (60, Spanish 55) are the bottom of each scale's "standard"/"normal" band, where plain
public information sits, as grade 8 does for Flesch-Kincaid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from generator.readability.counting import SyllableCounter, TextStats, TokenCounts
from generator.readability.english import count_syllables as english_syllables


@dataclass(frozen=True)
class Formula:
    """A readability formula for one language."""

    name: str                                   # as findings show it, e.g. "Szigriszt-Pazos perspicuity"
    kind: str                                   # "grade" (lower is easier) | "ease" (higher is easier)
    target: float                               # grade at most / ease at least this
    compute: Callable[[float, float], float]    # (words per sentence, syllables per word) -> score
    syllables: SyllableCounter

    def score(self, stats: TextStats) -> float:
        """The formula's value for these counts (0.0 when there are no words or sentences)."""
        if not stats.words or not stats.sentences:
            return 0.0
        return self.compute(stats.words / stats.sentences, stats.syllables / stats.words)

    def too_hard(self, score: float, target: float | None = None) -> bool:
        """True when a score (rounded to one decimal, as shown) misses the target."""
        goal = self.target if target is None else target
        return round(score, 1) > goal if self.kind == "grade" else round(score, 1) < goal


def flesch_kincaid(words_per_sentence: float, syllables_per_word: float) -> float:
    """Flesch-Kincaid grade (Kincaid et al., 1975)."""
    return 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59


def szigriszt_pazos(words_per_sentence: float, syllables_per_word: float) -> float:
    """Szigriszt-Pazos perspicuity (Szigriszt Pazos, 1993)."""
    return 206.835 - 62.3 * syllables_per_word - words_per_sentence


def kandel_moles(words_per_sentence: float, syllables_per_word: float) -> float:
    """Kandel-Moles reading ease (Kandel & Moles, 1958)."""
    return 207 - 1.015 * words_per_sentence - 73.6 * syllables_per_word


def amstad(words_per_sentence: float, syllables_per_word: float) -> float:
    """Amstad reading ease (Amstad, 1978)."""
    return 180 - words_per_sentence - 58.5 * syllables_per_word


_VOWELS = frozenset("aeiouyàáâãäåæèéêëìíîïòóôõöøœùúûüÿ")
_SPANISH_VOWELS = "aeiouáéíóúü"
_STRONG = "aeoáéó"          # two strong vowels side by side are two syllables (hiatus): le-er, a-é-re-o
_STRESSED_WEAK = "íú"       # a stressed weak vowel breaks a diphthong: em-pa-tí-a, ba-úl


def _pyphen_syllables(tag: str) -> SyllableCounter:
    import pyphen

    dictionary = pyphen.Pyphen(lang=tag, left=1, right=1)

    @lru_cache(maxsize=65536)
    def count(word: str) -> int:
        if not any(ch.isalpha() for ch in word):
            return max(1, min(sum(ch.isdigit() for ch in word), 4))
        # with the dictionary's edge limits at one letter, a break can split off a lone consonant
        # ("hun-d"): only fragments with a vowel are syllables
        parts = dictionary.inserted(word.lower(), hyphen="\0").split("\0")
        return max(1, sum(any(ch in _VOWELS for ch in part) for part in parts))

    return count


def _spanish_syllables() -> SyllableCounter:
    """pyphen's Spanish breaks, plus the hiatus the dictionary leaves unbroken (it never splits off a lone
    vowel for typesetting reasons: "ayu-da", "aé-reo"), so each vowel nucleus is counted once."""
    import pyphen

    dictionary = pyphen.Pyphen(lang="es", left=1, right=1)

    @lru_cache(maxsize=65536)
    def count(word: str) -> int:
        lowered = word.lower()
        if not any(ch.isalpha() for ch in lowered):
            return max(1, min(sum(ch.isdigit() for ch in lowered), 4))
        total = 0
        for part in dictionary.inserted(lowered, hyphen="\0").split("\0"):
            total += max(1, _spanish_nuclei(part)) if any(ch in _SPANISH_VOWELS for ch in part) else 1
        return max(1, total)

    return count


def _spanish_nuclei(part: str) -> int:
    nuclei = 0
    previous = ""
    for ch in part:
        if ch not in _SPANISH_VOWELS and not (ch == "y" and not previous):
            previous = ""
            continue
        if ch == "y":   # a word-initial or inner "y" before a vowel is a consonant (ayuda, yo)
            previous = ""
            continue
        hiatus = (previous in _STRONG and ch in _STRONG) or ch in _STRESSED_WEAK or previous in _STRESSED_WEAK
        if not previous or hiatus:
            nuclei += 1
        previous = ch
    return nuclei


def formula_for(tag: str) -> Formula | None:
    """The formula for a BCP 47 language tag ("es-MX" uses Spanish's), or None when Haven has none."""
    return _formula(tag.split("-")[0].lower())


@cache
def _formula(language: str) -> Formula | None:
    if language == "en":
        return Formula("Flesch-Kincaid grade", "grade", 8.0, flesch_kincaid, english_syllables)
    if language == "es":
        return Formula("Szigriszt-Pazos perspicuity", "ease", 55.0, szigriszt_pazos, _spanish_syllables())
    if language == "fr":
        return Formula("Kandel-Moles reading ease", "ease", 60.0, kandel_moles, _pyphen_syllables("fr"))
    if language == "de":
        return Formula("Amstad reading ease", "ease", 60.0, amstad, _pyphen_syllables("de"))
    return None


def tokens_for(tag: str) -> TokenCounts:
    """The token memo of a language's syllable counter (shared by every article in that language)."""
    return _tokens(tag.split("-")[0].lower())


@cache
def _tokens(language: str) -> TokenCounts:
    formula = _formula(language)
    assert formula is not None
    return TokenCounts(formula.syllables)


