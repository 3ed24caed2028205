"""Leaving out inline patterns a body cannot use changes nothing in what the converter writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.frontmatter import split
from generator.markup.convert import make_markdown
from generator.markup.patterns import TRIGGERS

REPO = Path(__file__).resolve().parent.parent

# Every pattern's syntax, each alone in its body (so that a pattern left out wrongly shows), then together,
# in the places writers put it: tabs before line ends, escapes, entities, raw HTML, autolinks, e-mail,
# footnotes, images, references, code, emphasis with stars and with underscores.
CRAFTED = [
    "Plain words only, with no markup at all.\n\nA second paragraph.",
    "Tab before the end\t\nof a line, two spaces  \nand a break.",
    "An escaped \\# hash and a backslash \\ alone.",
    "Entities: &#169; &#x2014; &copy; and a bare & sign.",
    "Raw <em>html</em>, a <span class=\"x\">span</span>, <br> and a comment <!-- hidden -->.",
    "An autolink <https://example.org/path?q=1>.",
    "Mail <someone@example.org>.",
    "A footnote[^1] and another[^note].\n\n[^1]: The first.\n[^note]: The second.",
    "An image ![alt text](/static/images/hills.png).",
    "A reference image ![alt][pic].\n\n[pic]: /static/a.png",
    "A short reference image ![pic].\n\n[pic]: /static/a.png",
    "A link [text](https://example.org/).",
    "A reference [text][ref].\n\n[ref]: https://example.org/r",
    "A short reference [ref].\n\n[ref]: https://example.org/r",
    "Code `a < b && c` and ``double `tick` code``.",
    "Stars: *em* **strong** ***both*** and 2 * 3 * 4.",
    "Underscores: _em_ __strong__ ___both___ a_snake_case_word.",
    "A citation [@smith2020, p. 4] and @jones2019 says so; escaped \\@not.",
    "```\nfenced <b>code</b> & [x](y) *z*\n```\n\nAfter the fence.",
    "<div markdown=\"1\">\n*inside* [a](b)\n</div>",
    "Term\n:   Definition with *emphasis*\n\n| a | b |\n|---|---|\n| `c` | [d](e) |",
    "!!! note \"A callout\"\n    With *text* and a [link](/x/).",
    "## A heading with *em* and `code` {#custom-id}\n\nText {: .cls }",
    "All at once: \\* &amp; <b>x</b> <https://e.org> <a@b.org> [^1] ![i](/i.png) [l](/l) `c` *s* _u_\n\n[^1]: n",
]


def _bodies() -> list[str]:
    found = []
    for folder in ("articles", "pages"):
        for path in sorted((REPO / folder).rglob("*.md")):
            part, _ = split(path.read_text("utf-8"), path.name)
            if part is not None:
                found.append(part.body)
    return found + CRAFTED


def test_the_sample_hub_and_every_pattern_convert_the_same_with_all_patterns():
    pruned = make_markdown()
    full = make_markdown()
    full.preprocessors.deregister("haven-usable-patterns")
    bodies = _bodies()
    assert len(bodies) > len(CRAFTED)
    for body in bodies:
        assert pruned.reset().convert(body) == full.reset().convert(body), body[:80]
        assert pruned.toc == full.toc


@pytest.mark.parametrize("name", sorted(TRIGGERS))
def test_a_pattern_is_left_out_only_when_its_characters_are_missing(name):
    md = make_markdown()
    md.convert("Plain words.")
    assert name not in md.inlinePatterns
    md.reset().convert("Text " + TRIGGERS[name][0] + " more text.")
    assert name in md.inlinePatterns
