"""The addresses a stylesheet loads, read as a browser reads CSS: comments do not count and escapes are
decoded (`\\75 rl(` is `url(`), so an address cannot hide from the URL policy."""

from __future__ import annotations

import re

_CSS_URL = re.compile(r"""@import\s+url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3|url\(\s*(['"]?)(.*?)\5\s*\)""",
                      re.IGNORECASE | re.DOTALL)


def css_urls(text: str) -> list[tuple[int, str, bool]]:
    """(offset, address, is @import) for every url(...), @import "..." and image-set("...") in CSS text.

    Read as a browser reads it: comments do not count, and escapes (`\\75 rl(` is `url(`) are decoded.
    """
    text = _CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    where = list(range(len(text) + 1))
    if "\\" in text:
        text, where = _css_unescape(text)
    out = []
    for m in _CSS_URL.finditer(text):
        if m.group(6) is not None:
            out.append((where[m.start()], m.group(6).strip(), False))
        else:
            out.append((where[m.start()], (m.group(2) if m.group(2) is not None else m.group(4)).strip(), True))
    for m in _IMAGE_SET.finditer(text):
        out += [(where[m.start()], (q.group(1) if q.group(1) is not None else q.group(2)).strip(), False)
                for q in _CSS_STRING.finditer(m.group(1))]
    return sorted(out)


_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n]?|(.))", re.DOTALL)
_IMAGE_SET = re.compile(r"image-set\(((?:[^()]|\([^()]*\))*)\)", re.IGNORECASE)
_CSS_STRING = re.compile(r"\"([^\"]*)\"|'([^']*)'")


def _css_unescape(text: str) -> tuple[str, list[int]]:
    """CSS text with escapes decoded, and for each decoded character the offset it came from."""
    parts: list[str] = []
    where: list[int] = []
    last = 0
    for m in _CSS_ESCAPE.finditer(text):
        parts.append(text[last:m.start()])
        where.extend(range(last, m.start()))
        code = int(m.group(1), 16) if m.group(1) else ord(m.group(2))
        parts.append(chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd")
        where.append(m.start())
        last = m.end()
    parts.append(text[last:])
    where.extend(range(last, len(text) + 1))
    return "".join(parts), where
