"""Sort forms (APA 9.44-9.48): letter by letter, without case or diacritics, leading articles set aside."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_SPECIAL_FOLDS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ß": "ss",
     "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "TH", "ħ": "h", "Ħ": "H"}
)
_NOT_ALNUM_RE = re.compile(r"[\W_]+")


# ASCII letters and digits kept, every other ASCII character deleted: translation of ASCII text runs in C.
_ASCII_NOT_ALNUM_DELETED = {code: None for code in range(128) if not chr(code).isalnum()}


# Names and titles recur across the works of a hub; both functions are pure.
@lru_cache(maxsize=8192)
def _fold(value: str) -> str:
    """A sort form: letters only, no case, no diacritics (Żuławski files under Z, Müller as Muller)."""
    if value.isascii():
        return value.lower().translate(_ASCII_NOT_ALNUM_DELETED)
    decomposed = unicodedata.normalize("NFKD", value.translate(_SPECIAL_FOLDS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Letter by letter (APA 9.44): spaces, hyphens and apostrophes do not count.
    return _NOT_ALNUM_RE.sub("", bare.casefold())


_LEADING_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _significant(value: str) -> str:
    """Drop a leading article: group authors and titles file by their first significant word (9.46, 9.48)."""
    return _LEADING_ARTICLE_RE.sub("", value.strip())


def work_sort_key(names: tuple, issued: Any, title: str) -> tuple:
    """Reference-list order (9.44-9.48): authors letter by letter, then year, then title; a work with
    no author files by its title's first significant word."""
    title_key = _fold(_significant(title))
    if names:
        author_key = tuple(n.sort_key for n in names)
    else:
        author_key = ((title_key, "", title.casefold()),)
    return (
        author_key,
        issued.sort_key,
        title_key,  # same author, same year: by title (9.47)
        title.casefold(),
        issued.month or 0,
        issued.day or 0,
    )
