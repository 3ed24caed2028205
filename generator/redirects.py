"""`aliases:`: old addresses of a page. Each gets a small redirect page and a line in `_redirects`.

The redirect page works on any host (a meta refresh, a canonical link to the new address, `noindex`,
and a plain link with the page's title for readers whose browser does not follow the refresh);
`_redirects` lets Netlify and Cloudflare Pages answer with a real 301 instead. Both are planned
outputs, so the link check knows the old addresses still lead somewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from generator.diagnostics import Diagnostic, error
from generator.model import Article, Site
from generator.outputs import Generated, Inputs, Output, Page, fingerprint

REDIRECTS_FILE = "_redirects"
# Files `haven publish --to git` adds at the site's root beside the build (generator.deploy). An alias there
# would replace one, or make it a folder (/CNAME/), and the host would drop the custom domain without a word.
# They live here, not in generator.deploy, because the build may not import the publish step (it comes after).
NOJEKYLL_FILE, CNAME_FILE = ".nojekyll", "CNAME"
PUBLISH_ROOT_FILES = (NOJEKYLL_FILE, CNAME_FILE)


@dataclass(frozen=True)
class Claim:
    """An alias one file gives one page."""

    alias: str
    path: str       # output path, e.g. articles/old-name/index.html
    article: Article
    line: int


def output_path(alias: str) -> str:
    """Where an alias's redirect page is written: /old/ and /old -> old/index.html; /old.html -> old.html."""
    bare = alias.strip("/")
    return bare if bare.endswith((".html", ".htm")) and not alias.endswith("/") else f"{bare}/index.html"


def claims(site: Site) -> list[Claim]:
    """Every alias of every page this build makes, in file order."""
    built = site.articles + site.pages + (site.scheduled if site.show_scheduled else [])
    return [Claim(alias, output_path(alias), article, line)
            for article in sorted((a for a in built if a.meta.aliases), key=lambda a: a.parsed.path)
            for alias, line in zip(article.meta.aliases, article.meta.alias_lines, strict=True)]


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def sort_claims(site: Site, taken: set[str]) -> tuple[list[Claim], list[tuple[Claim, str]]]:
    """Claims that get their redirect page, and the others with what already holds their address.

    An address is held when a planned file has its path, when a planned file is one of its folders
    (/feed.xml/ under the file feed.xml), or when it would be a file where planned files need a folder.
    """
    wanted = claims(site)
    if not wanted:   # most builds: no page has an old address (the sets below cost a pass over every file)
        return [], []
    files = dict.fromkeys(set(taken) | {REDIRECTS_FILE, *PUBLISH_ROOT_FILES}, "")
    folders = {parent for path in taken for parent in _parents(path)}
    pages = {f"{a.url.strip('/')}/index.html": a for a in site.articles + site.pages + site.scheduled}
    accepted: list[Claim] = []
    rejected: list[tuple[Claim, str]] = []
    holder: dict[str, Claim] = {}
    for claim in wanted:
        clash = next((p for p in [claim.path, *_parents(claim.path)] if p in files), None)
        if clash is None and claim.path in folders:
            clash = claim.path
        if clash is None:
            accepted.append(claim)
            holder[claim.path] = claim
            files[claim.path] = claim.path
            folders.update(_parents(claim.path))
            continue
        owner = pages.get(clash)
        if owner is not None:
            what = ("this page's own address" if owner is claim.article
                    else f"the address of {owner.parsed.path} (line 1)")
        elif clash in holder:
            other = holder[clash]
            what = f"also claimed by {other.article.parsed.path} (line {other.line})"
        elif clash in PUBLISH_ROOT_FILES:
            what = f"the file {clash} that `haven publish --to git` writes at the site's root"
        else:
            what = f"an address Haven uses for its own pages or files ({clash})"
        rejected.append((claim, what))
    return accepted, rejected


def alias_outputs(site: Site, taken: set[str], common: Inputs, page: Callable[..., dict]) -> list[Output]:
    """Redirect pages for the aliases whose address is free (the first claim wins; `check` reports the
    rest), and `_redirects` when there is any alias. `common` holds the inputs every redirect reads (the
    template's digest among them); `page(url, title)` makes a template context."""
    outputs: list[Output] = []
    lines = []
    base = site.config.base_path
    for claim in sort_claims(site, taken)[0]:
        target = claim.article
        inputs = common + (("target", fingerprint(target.url, target.meta.title)),)
        context = functools.partial(_context, page, target, claim.alias)
        outputs.append(Page(claim.path, inputs, "redirect.html", context))
        lines.append(f"{_quoted(base + claim.alias.lstrip('/'))} {_quoted(base + target.url.lstrip('/'))} 301")
    if lines:
        body = ("# Old addresses (aliases:) -> where the page is now. Netlify and Cloudflare Pages read this file.\n"
                + "".join(line + "\n" for line in lines)).encode("utf-8")
        outputs.append(Generated(REDIRECTS_FILE, common + (("redirects", fingerprint(body)),), produce=lambda: body))
    return outputs


def _context(page: Callable[..., dict], target: Article, alias: str) -> dict:
    return {**page(target.url, target.meta.title), "target": target, "alias": alias, "head": {"noindex": True}}


def _quoted(path: str) -> str:
    return quote(path, safe="/~-._")


def check(site: Site, outputs: list[Output]) -> list[Diagnostic]:
    """An address claimed twice (two aliases, or an alias and a real page) is an error naming both files."""
    if not any(a.meta.aliases for a in site.articles + site.pages + site.scheduled):
        return []
    others = {o.path for o in outputs if not (isinstance(o, Page) and o.template == "redirect.html")}
    return [error("alias-taken", claim.article.parsed.path, claim.line, 1, f"alias '{claim.alias}' is {what}",
                  "keep the alias in one file only" if what.startswith("also") else
                  "remove the alias (the host reads that file itself)" if "haven publish" in what else
                  "remove the alias, or give that page another address")
            for claim, what in sort_claims(site, others)[1]]
