"""Every check that needs more than one file (or the date: review schedules), in two parts: what article
bodies link to and cite (`in_bodies`), and the rest (`whole_hub`). The build runs both; the preview's
shortcut (generator.reuse) runs `in_bodies` for the articles a save changed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from generator import search_index
from generator.checks import citations as citation_checks
from generator.checks import crisis, crossrefs, per_file, readability, reader_help, review, translations, transparency
from generator.checks import urls as url_checks
from generator.crisisconfig import HELP_URL
from generator.diagnostics import Diagnostic
from generator.discover import SITE_FILE
from generator.lastbuild import SinceLastBuild
from generator.model import Article, ParsedFile, Site
from generator.templates import Templates

# In a long-lived process (the preview server), the findings of last build for records that did not change.
_CITATION_FINDINGS: SinceLastBuild[list[Diagnostic]] = SinceLastBuild()


def in_bodies(site: Site, urls: set[str], articles: list[Article]) -> list[Diagnostic]:
    """The findings about what the bodies of `articles` link to and cite: their links and anchors against
    the planned URLs and the other pages' ids, their citations against the bibliography. Each is about one
    body and what other files show of themselves (their addresses, ids and entries), so an edit that changes
    only what a page shows of its own file changes only that file's (see generator.reuse)."""
    out = crossrefs.check_links(site, urls, articles)
    # an article's citations are checked against its own file and the shared bibliography alone
    _CITATION_FINDINGS.begin(site.bibliography_digest)
    for article in articles:
        out += _CITATION_FINDINGS.get(article.parsed, None, _citation_findings, article.parsed, site.bibliography)
    return out


def whole_hub(site: Site, urls: set[str], templates: Templates, site_dir: Path, today: date,
              unread: list[Diagnostic]) -> list[Diagnostic]:
    """The findings `in_bodies` leaves: front matter against the hub (authors, topics, neighbours,
    templates, images, review dates), the settings, templates, static files and translations, and
    `unread` (discover.unread_files: the build reads the folder once).

    `urls` are the site-relative URLs of every file the plan writes (pictures are checked against them).
    """
    config = site.config
    out: list[Diagnostic] = []
    out += crossrefs.check_ids(site)
    out += crossrefs.check_neighbours(site)
    out += unread
    out += crossrefs.check_templates(site, templates)
    allowed = url_checks.allowed_hosts(config.base_url, config.allow_hosts)
    out += url_checks.image_findings(site, urls, allowed)
    out += url_checks.static_findings(site_dir, site.static_files, allowed)
    out += search_index.script_findings(site, site_dir)
    out += url_checks.extra_findings(config, allowed)
    out += url_checks.template_findings(templates.hub_texts(), allowed)
    out += translations.check_catalogues(config, templates.catalogues, templates.parsed())
    out += readability.check_languages_scored(config.languages, SITE_FILE)
    out += crossrefs.check_scheduled(site)
    for article in site.articles + site.pages + site.scheduled:
        meta, parsed = article.meta, article.parsed
        if article.kind == "article" and meta.date and not meta.draft:
            line = meta.lines.get("reviewed_on" if meta.reviewed_on else "date", 1)
            out += review.check_review_due(parsed.path, line, meta.date, meta.reviewed_on,
                                              config.review_interval_months, today)
    out += crisis.check_crisis_resources(SITE_FILE, [(r.raw, r.line) for r in config.crisis.resources], today)
    out += reader_help.check_crisis_languages(config, [config.language])  # i18n: every language of the hub
    out += reader_help.check_contact(config)
    out += reader_help.check_help_page_free([(p.parsed.path, p.url) for p in site.articles + site.pages], HELP_URL)
    out += transparency.check_transparency(SITE_FILE, config.lines.get("transparency", 1), config.transparency,
                                        any(p.slug == "about" for p in site.pages))
    return out


def _citation_findings(parsed: ParsedFile, bibliography: Mapping[str, tuple[Mapping, str, int]]) -> list[Diagnostic]:
    assert parsed.meta is not None   # only files with front matter become articles
    return citation_checks.check_article_citations(
        parsed.path, parsed.body_first_line, parsed.clusters, per_file.own_references(parsed.meta),
        bibliography, check_entries=False)  # the entries were checked, and cached, per file
