"""Slugs (an article's address) from titles and file names in any script.

Greek follows ISO 843's transliteration (Ψυχική υγεία -> psychike-ygeia: the standard a Greek reader
expects, where the general-purpose tables give "psukhike-ugeia"); every other script goes through
python-slugify's transliteration (Straße -> strasse, Привет -> privet, 共感 -> gong-gan).
"""

from __future__ import annotations

import re
import unicodedata

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80   # a readable address; longer titles are cut at a word boundary

# ISO 843 (1997), transliteration, lower case, accents dropped (η = ē -> e, ω = ō -> o).
_GREEK_LETTERS = "αβγδεζηθικλμνξοπρσςτυφχψω"
_GREEK_IN_LATIN = ("a", "v", "g", "d", "e", "z", "e", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s",
                   "t", "y", "f", "ch", "ps", "o")
_GREEK = dict(zip(_GREEK_LETTERS, _GREEK_IN_LATIN, strict=True))


def _greek_to_latin(text: str) -> str:
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char.lower())[:1]
        out.append(_GREEK.get(base, char))
    return "".join(out)


def slug_from(text: str) -> str:
    """The slug for a title or file name: lowercase ASCII letters, digits and hyphens, or "" when the
    text has no letters or digits in any script (e.g. "!!!" or only emoji)."""
    from slugify import slugify as transliterate  # python-slugify (text-unidecode tables)

    slug = transliterate(_greek_to_latin(text), max_length=MAX_SLUG_LENGTH, word_boundary=True)
    return slug if SLUG.match(slug) else ""
