"""Only the inline patterns a body can use: Python-Markdown tries every registered inline pattern on
every run of text, and most bodies have no backticks, no backslashes, no raw HTML and no entities.

The characters each pattern needs are looked for once in the raw body, before any other step; every
later step only removes text or adds placeholders without these characters (stashed HTML and code,
citation marks, footnote back-links), so a pattern left out could not have matched. The converter's
output is the same with or without this step (tests/test_markup_patterns.py).
"""

from __future__ import annotations

import markdown
from markdown.inlinepatterns import Pattern
from markdown.preprocessors import Preprocessor

# Python-Markdown's inline patterns (as the "extra" extension registers them), with the texts one of
# which must be in the body for the pattern to match anything. Patterns not named here always stay.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[^",),
    "reference": ("[",), "link": ("[",), "short_reference": ("[",),
    "image_link": ("![",), "image_reference": ("![",), "short_image_ref": ("![",),
    "autolink": ("<",), "automail": ("<",), "html": ("<",), "entity": ("&",),
    "em_strong": ("*", "_"),
}


class _UsablePatterns(Preprocessor):
    """Registers, for this body, only the inline patterns whose characters it contains."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.known: dict[str, tuple[Pattern, float]] | None = None   # name -> (pattern, priority), as set up

    def run(self, lines: list[str]) -> list[str]:
        registry = self.md.inlinePatterns
        if self.known is None:   # the first body: every extension has registered its patterns by now
            # the registry keeps priorities only in its _priority list (it has no public accessor)
            self.known = {item.name: (registry[item.name], item.priority)
                          for item in registry._priority if item.name in TRIGGERS}   # type: ignore[attr-defined]
        text = "\n".join(lines)
        for name, (pattern, priority) in self.known.items():
            usable = any(trigger in text for trigger in TRIGGERS[name])
            if usable and name not in registry:
                registry.register(pattern, name, priority)
            elif not usable and name in registry:
                registry.deregister(name)
        return lines


class UsablePatternsExtension(markdown.Extension):
    """Adds the step that leaves registered only the inline patterns a body can use."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Run first, on the raw body (citation marks run at 40, whitespace normalising at 30)."""
        md.preprocessors.register(_UsablePatterns(md), "haven-usable-patterns", 100)
