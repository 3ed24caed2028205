"""Is every interface string and topic translated into every language the hub speaks?

One finding per language (not one per string): the count and the first few, so a hub adding a
language sees the size of the job at once. Untranslated text still shows, in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.catalogues import HUB_LOCALES, Catalogue, missing_messages, needs_catalogue, template_messages
from generator.checks.policy import finding
from generator.diagnostics import Diagnostic
from generator.discover import SITE_FILE
from generator.model import SiteConfig

SHOWN = 5   # missing messages quoted in a finding


def check_catalogues(config: SiteConfig, catalogues: Mapping[str, Catalogue],
                     trees: Mapping[str, Any]) -> list[Diagnostic]:
    """A warning per language whose catalogue misses strings the hub's templates use."""
    if len(config.languages) < 2 and not any(needs_catalogue(lang.code) for lang in config.languages):
        return []
    messages = template_messages(dict(trees))
    out: list[Diagnostic] = []
    for language in config.languages:
        catalogue = catalogues.get(language.code)
        if catalogue is None:   # English: the templates' own text
            continue
        missing = missing_messages(catalogue, messages)
        if not missing:
            continue
        path = f"{HUB_LOCALES}/{language.code}.po"
        first = "; ".join(f"\"{_text(m)}\" ({messages[m][0]})" for m in missing[:SHOWN])
        more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
        own = path in catalogue.files   # the hub keeps its own catalogue: point there, else at its language
        out.append(finding(
            "missing-translations", path if own else SITE_FILE, 0 if own else language.line, 0 if own else 1,
            f"{len(missing)} interface {'string is' if len(missing) == 1 else 'strings are'} not translated into "
            f"{language.name} ({language.code}), so pages show them in English: {first}{more}",
            f"add the translations to {path} (copy generator/theme/locales/haven.pot; fuzzy entries count as missing)"))
    for language in config.languages:
        if language.untranslated_topics:
            out.append(finding(
                "missing-translations", SITE_FILE, language.line, 1,
                f"{len(language.untranslated_topics)} topic(s) have no title in {language.name} ({language.code}): "
                + ", ".join(language.untranslated_topics[:SHOWN]),
                f"add them under `topics:` of the language '{language.code}' in `languages:`"))
    return out


def _text(message: Any) -> str:
    text = message[0] if isinstance(message, tuple) else message
    return text if len(text) <= 50 else text[:47] + "..."
