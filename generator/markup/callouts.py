"""Callouts: "key points", "when to get help" and "note" boxes, written as Markdown blocks.

    !!! key-points
        - Empathy is feeling with someone.
        - Sympathy is feeling for them.

    !!! get-help "When to see a doctor"
        Indented text, lists, links: any Markdown.

Python-Markdown's `admonition` extension reads the block; this turns its `<div class="admonition">`
into a box a screen reader announces by name (`role="note"` labelled by its visible title), so
meaning never rests on colour alone.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.treeprocessors import Treeprocessor

from generator.diagnostics import Diagnostic, error

# callout type -> its title when the writer gives none
CALLOUTS = {"key-points": "Key points", "get-help": "When to get help", "note": "Note"}
_OPENER = re.compile(r"^(?P<indent> {0,3})!!!(?P<rest>.*)$")
_VALID = re.compile(r'^[ ]*(?P<type>[\w-]+)(?: +"(?P<title>[^"]*)")?[ ]*$')


class _Callouts(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        number = 0
        for div in root.iter("div"):
            classes = div.get("class", "").split()
            if "admonition" not in classes:
                continue
            kind = next((c for c in classes if c in CALLOUTS), "note")
            title = div.find("p")
            if title is None or title.get("class") != "admonition-title":
                title = etree.Element("p")
                div.insert(0, title)
            shown = "".join(title.itertext()).strip()
            if not shown or shown == kind.capitalize():   # admonition's stand-in ("Key-points") or none
                for child in list(title):
                    title.remove(child)
                title.text = CALLOUTS[kind]
            number += 1
            title.set("class", "callout-title")
            title.set("id", f"callout-{number}")
            div.set("class", f"callout callout-{kind}")
            div.set("role", "note")
            div.set("aria-labelledby", f"callout-{number}")


class CalloutExtension(markdown.Extension):
    """Registers `admonition` and the callout markup after it."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.registerExtensions(["admonition"], {})
        md.treeprocessors.register(_Callouts(md), "haven-callouts", 3)


def check_callouts(path: str, body: str, body_first_line: int) -> list[Diagnostic]:
    """A `!!!` line that is not a known callout is an error at its line (it would show as plain text)."""
    out: list[Diagnostic] = []
    fenced = False
    for offset, line in enumerate(body.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _OPENER.match(line)
        if not match:
            continue
        where = (path, body_first_line + offset, len(match.group("indent")) + 1)
        valid = _VALID.match(match.group("rest"))
        known = ", ".join(f"`!!! {k}`" for k in CALLOUTS)
        if valid is None:
            out.append(error("bad-callout", *where, "this callout line is not understood",
                             f'write `!!! key-points` or `!!! note "Your title"` on its own line ({known}), '
                             "then the callout's text indented by four spaces"))
        elif valid.group("type") not in CALLOUTS:
            out.append(error("unknown-callout", *where, f"there is no callout called '{valid.group('type')}'",
                             f"use one of {known}"))
    return out
