"""What the last build of a long-lived process (the preview server) made of the hub as a whole, for the next
build to reuse when a save changed only what pages show of their own files.

Most saves while writing change an article's text and nothing else that other pages show: not its title,
dates, topics, cited works, reading time or section ids (its face: generator.assemble.face). Such a save
changes the article's page, the feeds carrying its text and the findings about its links and citations;
at 10,000 articles, assembling, planning and checking the whole hub again cost three quarters of a second
for that. So a build that finds the world of the last build that wrote the output folder (the options, the
day, Haven's code, the settings and every other input file, the same Markdown files, the same pictures) and
only such changes makes those articles again (generator.assemble.remake), plans their pages and the feeds
showing them again (generator.plan.replan) and checks their bodies (generator.checks.hub.in_bodies); the rest
is the last build's. A save that changes an article's card too (its title, summary or reading time: a sentence
can add a minute) also plans again the pages showing that card and checks the hub as a whole again. Any other
change runs the whole recipe. A build that fails writes nothing, so the next one still
starts from the last build that wrote the folder (a writer who types a broken link and mends it gets both
builds by the shortcut).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.assemble import Previous, remake
from generator.checks import hub as hub_checks
from generator.diagnostics import Diagnostic
from generator.model import ParsedFile, Site
from generator.outputs import Output
from generator.plan import replan
from generator.templates import Templates


@dataclass
class WholeHub:
    """What a build made of the hub as a whole, and the world it was made in."""

    world: tuple                       # what else it read: see build.py (compared with ==)
    digests: dict[str, str]            # path -> content digest of every Markdown file it read
    site: Site
    outputs: list[Output]
    urls: set[str]                     # the planned URLs (links were checked against them)
    memo: dict[str, Any]               # the formatted citations it used (kept in the parse cache)
    placed_findings: list[Diagnostic]  # about addresses: assembling's, redirects', output paths'
    hub_findings: list[Diagnostic]     # whole_hub's
    body_findings: list[Diagnostic]    # in_bodies', every file's

    @property
    def findings(self) -> list[Diagnostic]:
        """Everything found about the hub: about addresses, the hub as a whole and every body."""
        return self.placed_findings + self.hub_findings + self.body_findings

    def changed(self, parsed: list[ParsedFile]) -> list[ParsedFile] | None:
        """The files whose content differs from what this build read; None when files were added or removed."""
        if len(parsed) != len(self.digests):
            return None
        changed = []
        for file in parsed:
            digest = self.digests.get(file.path)
            if digest is None:
                return None
            if digest != file.digest:
                changed.append(file)
        return changed


_LAST: dict[str, WholeHub] = {}   # output folder -> what the last build that wrote it made (in this process)


def after_text_edits(out_dir: str, world: tuple, parsed: list[ParsedFile],
                     bibliography: Mapping[str, tuple[Mapping[str, Any], str, int]], previous: Previous | None,
                     templates: Templates, authors_digest: str,
                     check_hub: Callable[[Site, set[str]], list[Diagnostic]]) -> tuple[WholeHub, set[str]] | None:
    """The last build's whole hub brought up to date with `parsed`, and the paths of the outputs planned
    again; None unless the last build that wrote `out_dir` was made in the same `world` and every changed file
    kept its face or changed only its card (then the build runs the whole recipe). A changed card plans the
    pages showing it again (generator.plan.replan) and checks the hub as a whole again (`check_hub(site,
    urls)`: its titles and summaries are the hub's too)."""
    last = _LAST.get(out_dir)
    changed = last.changed(parsed) if last is not None and last.world == world else None
    again = remake(last.site, changed, bibliography, previous) if last is not None and changed is not None else None
    if last is None or again is None:
        return None
    site, pairs, made, cards = again
    remade = [new for _old, new in pairs]
    # the formatted citations the old versions used are dropped (a save a second: the memo would grow)
    # (copied and patched, not rebuilt key by key: both maps hold an entry per article)
    memo = dict(last.memo)
    for old, _new in pairs:
        memo.pop(old.citations_fingerprint, None)
    memo.update(made)
    digests = dict(last.digests)
    digests.update((file.path, file.digest) for file in changed or ())
    outputs, planned_again = replan(site, last.outputs, remade, templates, cards, authors_digest)
    paths = {article.parsed.path for article in remade}
    body_findings = [d for d in last.body_findings if d.path not in paths]
    body_findings += hub_checks.in_bodies(site, last.urls, remade)
    hub_findings = check_hub(site, last.urls) if cards else last.hub_findings
    return WholeHub(world, digests, site, outputs, last.urls, memo,
                    last.placed_findings, hub_findings, body_findings), planned_again


def remember(out_dir: str, made: WholeHub | None) -> None:
    """Keep what the build that just wrote `out_dir` made, for the next build into it (one output folder's
    at a time); None: the next build into it runs the whole recipe."""
    if made is None:
        _LAST.pop(out_dir, None)
    else:
        _LAST.clear()
        _LAST[out_dir] = made
