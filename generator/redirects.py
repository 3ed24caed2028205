"""`aliases:`: old addresses of a page. Each gets a small redirect page and a line in `_redirects`.

The redirect page works on any host (a meta refresh, a canonical link to the new address, `noindex`,
and a plain link with the page's title for readers whose browser does not follow the refresh);
`_redirects` lets Netlify and Cloudflare Pages answer with a real 301 instead. Both are planned
outputs, so the link check knows the old addresses still lead somewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from generator.diagnostics import Diagnostic, error
from generator.model import Article, Site
from generator.outputs import Generated, Inputs, Output, Page, fingerprint

REDIRECTS_FILE = "_redirects"


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
            for article in sorted(built, key=lambda a: a.source.path)
            for alias, line in zip(article.meta.aliases, article.meta.alias_lines)]


def alias_outputs(site: Site, taken: set[str], common: Inputs, page: Callable[..., dict]) -> list[Output]:
    """Redirect pages for the aliases that claim a free path (the first claim wins; `check` reports the
    rest), and `_redirects` when there is any alias. `common` holds the inputs every redirect reads (the
    template's digest among them); `page(url, title)` makes a template context."""
    outputs: list[Output] = []
    seen = set(taken)
    lines = []
    base = site.config.base_path
    for claim in claims(site):
        if claim.path in seen:
            continue
        seen.add(claim.path)
        target = claim.article
        inputs = common + (("target", fingerprint(target.url, target.meta.title)),)
        outputs.append(Page(claim.path, inputs, "redirect.html",
                            lambda target=target, alias=claim.alias: {
                                **page(target.url, target.meta.title), "target": target, "alias": alias,
                                "head": {"noindex": True}}))
        lines.append(f"{_quoted(base + claim.alias.lstrip('/'))} {_quoted(base + target.url.lstrip('/'))} 301")
    if lines:
        body = ("# Old addresses (aliases:) -> where the page is now. Netlify and Cloudflare Pages read this file.\n"
                + "".join(line + "\n" for line in lines)).encode("utf-8")
        outputs.append(Generated(REDIRECTS_FILE, common + (("redirects", fingerprint(body)),), produce=lambda: body))
    return outputs


def _quoted(path: str) -> str:
    return quote(path, safe="/~-._")


def check(site: Site, outputs: list[Output]) -> list[Diagnostic]:
    """An address claimed twice (two aliases, or an alias and a real page) is an error naming both files."""
    pages = {f"{a.url.strip('/')}/index.html": a for a in site.articles + site.pages + site.scheduled}
    redirect_paths = {c.path for c in claims(site)}
    others = {o.path for o in outputs} - redirect_paths
    first: dict[str, Claim] = {}
    out: list[Diagnostic] = []
    for claim in claims(site):
        where = (claim.article.source.path, claim.line, 1)
        owner = pages.get(claim.path)
        if owner is not None:
            what = "itself" if owner is claim.article else f"{owner.source.path} (line 1)"
            out.append(error("alias-taken", *where, f"alias '{claim.alias}' is the address of {what}",
                             "remove the alias, or give that page another slug"))
        elif claim.path in first:
            other = first[claim.path]
            out.append(error("alias-taken", *where,
                             f"alias '{claim.alias}' is also claimed by {other.article.source.path} "
                             f"(line {other.line})", "keep the alias in one of the two files only"))
        elif claim.path in others:
            out.append(error("alias-taken", *where, f"alias '{claim.alias}' is an address Haven uses for its own "
                                                    f"pages or files ({claim.path})", "remove the alias"))
        else:
            first[claim.path] = claim
    return out
