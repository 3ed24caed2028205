"""Whole-hub checks that a reader in distress can find help and a reader with a complaint can be heard.

Codes:
    crisis-language-missing   a language the hub's pages use has no crisis service answering in it   error
    contact-missing           no `contact:` in site.yaml, so "Report a problem" cannot be shown     warning
    help-page-taken           a page of the hub would be written where the crisis help page goes   error
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic
from generator.model import SiteConfig

SITE_FILE = "site.yaml"


def check_crisis_languages(config: SiteConfig, languages: Iterable[str]) -> list[Diagnostic]:
    """A `crisis-language-missing` error for each page language that no crisis resource answers in.

    Pages list every service, their own language's first; a page whose reader finds no service in
    their language is the failure this check prevents. `languages` are the codes the hub's pages use
    (`en`, `es`, `pt-BR`: a resource for `pt` covers `pt-BR`)."""
    if config.crisis.unreadable:
        return []   # a resource was left out for an error in site.yaml: that error is the one to fix first
    line = config.lines.get("crisis", 1)
    spoken = {code.split("-")[0].lower() for r in config.crisis.resources for code in r.languages}
    findings = []
    for language in dict.fromkeys(languages):
        if language.split("-")[0].lower() not in spoken:
            findings.append(finding(
                "crisis-language-missing", SITE_FILE, line, 1,
                f"pages in '{language}' have no crisis service that answers in that language",
                f"add a real service with `languages: [{language.split('-')[0].lower()}]` under `crisis: resources:` "
                "(a helpline you have checked), or add the language to an existing one that answers in it"))
    return findings


def check_contact(config: SiteConfig) -> list[Diagnostic]:
    """A `contact-missing` warning when readers have no route to report a mistake."""
    if config.contact.address or config.contact.form:
        return []
    return [finding("contact-missing", SITE_FILE, config.lines.get("contact", 1), 1,
                    "readers have no way to report a mistake: no `contact:` is set",
                    "add `contact: corrections@your-hub.org` (or the address of a form on the hub's own "
                    "site); every article then shows \"Report a problem with this page\"")]


def check_help_page_free(page_urls: Iterable[tuple[str, str]], help_url: str) -> list[Diagnostic]:
    """A `help-page-taken` error for each hub page (path, URL) that would replace the crisis help page."""
    return [finding("help-page-taken", path, 1, 1,
                    f"this page would be published at {url}, the crisis help page's address",
                    "give it another slug (e.g. `slug: getting-support`): Haven writes the help page itself, "
                    "from site.yaml's crisis services")
            for path, url in page_urls if url == help_url]
