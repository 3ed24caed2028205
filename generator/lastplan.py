"""What the last build planned and found about the hub as a whole, kept for the next `haven build` (a new
process) in `.haven-cache/plan.json`, so that a one-article text edit plans and checks that article, not the hub.

The preview server keeps its last build in memory (generator.reuse); a command-line build starts with nothing
and used to plan all 12,000 files of a 10,000-article hub and check every body again for a sentence added to
one (1.5 of its 4.5 s). What another page shows of an article is its face (generator.assemble.face), so when
the build reads the same world as the last one (settings, templates, data, static files, pictures, options,
Haven's code, the day: `world_fingerprint`) and every changed Markdown file kept its face, every output but
the changed articles' pages and the feeds carrying their text has the inputs the last build planned for it.
Those are carried as `outputs.Planned` (a path and a fingerprint, never rendered); the changed articles are
planned again (generator.plan.replan) and their bodies checked; the other findings are the last build's. A file
whose card changed (its title, summary or reading time: generator.assemble.card_only) also has the pages showing
its card planned again and the hub checked as a whole again, as in the preview.

The file is as untrusted as the rest of the cache (JSON through the cache's codec; paths checked like the
output record's), and it is used only when it describes the output folder exactly as its record does: the
same files with the same fingerprints. Anything else, or a carried file that is not on disk as recorded (a
hand-deleted page), and the build plans everything again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from generator.assemble import face
from generator.cachecodec import CacheDamaged
from generator.cacherecords import PlanRecord, codec
from generator.confine import write_atomic
from generator.confine.cache import CACHE_DIR, read_cache_file
from generator.confine.output import safe_output_path
from generator.diagnostics import Diagnostic
from generator.model import Article, ParsedFile, Site
from generator.outputs import Bundle, Output, Page, Planned, fingerprint
from generator.plan import is_alias, replan
from generator.search_index import bundles
from generator.templates import Templates

PLAN_FILE = "plan.json"


def is_page(output: Output) -> bool:
    """Whether an output is a page, planned now or carried (what the page store keeps)."""
    return isinstance(output, Page) or (isinstance(output, Planned) and output.page)


def world_fingerprint(*world: object) -> str:
    """One fingerprint of what a build read besides the Markdown files (see build.py)."""
    return fingerprint(*world)


def face_fingerprint(article: Article) -> str:
    """A fingerprint of an article's face that is the same in every process (its ids sorted: a set's order is not)."""
    meta, minutes, references, anchors, clusters = face(article)
    return fingerprint(meta, minutes, references, sorted(anchors), clusters)


def rest_fingerprint(article: Article) -> str:
    """A fingerprint of what an article's face holds besides what its card shows (title, summary, reading time):
    two versions with the same one differ at most in their cards (generator.assemble.card_only)."""
    _meta, _minutes, references, anchors, clusters = face(article)
    return fingerprint(replace(article.meta, title="", summary=""), references, sorted(anchors), clusters, article.kind)


def load(site_dir: Path, out_dir: Path, world: str) -> PlanRecord | None:
    """The last build's plan when it was made in `world` for `out_dir` and holds only paths the output folder
    may hold; None otherwise (missing, damaged, doctored or another build's)."""
    try:
        last = codec().loads(read_cache_file(site_dir / CACHE_DIR / PLAN_FILE), PlanRecord)
    except (OSError, CacheDamaged):   # a cache is never trusted
        return None
    if last.out != str(out_dir.resolve()) or last.world != world:
        return None
    if any(safe_output_path(path) is None for path in last.outputs) or \
            not set(last.pages) | set(last.aliases) <= set(last.outputs):
        return None
    return last


@dataclass
class Carried:
    """The plan and findings of a build that kept the last build's plan for all but `remade`."""

    outputs: list[Output]
    remade: list[Article]
    body_findings: list[Diagnostic]
    cards: bool   # a card changed: the hub is checked as a whole again


def carry(last: PlanRecord, parsed: list[ParsedFile], site: Site, templates: Templates, record: Mapping[str, dict],
          search: bool, authors_digest: str) -> Carried | None:
    """Every output of this build, from the last build's plan with the pages of the changed files, the feeds
    carrying them and, where a card changed, the pages showing it planned again, when the same files are read,
    each changed one kept its face or changed only its card, and the output `record` lists exactly the last plan's
    files; None otherwise (the build plans everything). The bodies of the changed files are left for the caller to
    check (`Carried.body_findings` holds the others')."""
    if len(parsed) != len(last.digests) or any(file.path not in last.digests for file in parsed):
        return None
    changed = {file.path for file in parsed if last.digests[file.path] != file.digest}
    recorded = {path: entry.get("fp") for path, entry in record.items() if "bundle" not in entry}
    if recorded != last.outputs:
        return None
    by_path = {article.parsed.path: article for article in site.articles + site.pages + site.scheduled}
    remade = [by_path[path] for path in sorted(changed) if path in by_path]
    if len(remade) != len(changed):
        return None
    faces_kept = [face_fingerprint(a) == last.faces.get(a.parsed.path) for a in remade]
    if not all(kept or (a.kind == "article" and rest_fingerprint(a) == last.rests.get(a.parsed.path))
               for a, kept in zip(remade, faces_kept, strict=True)):
        return None
    cards = not all(faces_kept)
    pages, aliases = set(last.pages), set(last.aliases)
    outputs: list[Output] = [Planned(path, (), known_fingerprint=fp, page=path in pages, alias=path in aliases)
                             for path, fp in last.outputs.items()]
    outputs, _ = replan(site, outputs, remade, templates, cards, authors_digest)
    outputs += bundles(site, deferred=not search)
    return Carried(outputs, remade, [d for d in last.body_findings if d.path not in changed], cards)


def save(site_dir: Path, out_dir: Path, world: str, site: Site, digests: dict[str, str], outputs: list[Output],
         placed: list[Diagnostic], hub: list[Diagnostic], bodies: list[Diagnostic], last: PlanRecord | None) -> None:
    """Keep this build's plan and findings for the next build into `out_dir` (one output folder's at a time);
    `digests`: every Markdown file read -> content digest. Faces of files the last plan read with the same
    content are taken from it, not made again."""
    known = last if last is not None and last.world == world else None
    faces, rests = {}, {}
    for article in site.articles + site.pages + site.scheduled:
        path = article.parsed.path
        same = known if known is not None and known.digests.get(path) == digests.get(path) else None
        faces[path] = (same and same.faces.get(path)) or face_fingerprint(article)
        rests[path] = (same and same.rests.get(path)) or rest_fingerprint(article)
    files = [o for o in outputs if not isinstance(o, Bundle)]
    plan = PlanRecord(str(out_dir.resolve()), world, digests, faces, rests, {o.path: o.fingerprint for o in files},
                      [o.path for o in files if is_page(o)], [o.path for o in files if is_alias(o)], placed, hub,
                      bodies)
    try:
        data = codec().dumps(plan, PlanRecord)
    except (TypeError, ValueError):   # a finding the cache cannot hold: the next build plans everything
        (site_dir / CACHE_DIR / PLAN_FILE).unlink(missing_ok=True)
        return
    write_atomic(site_dir / CACHE_DIR / PLAN_FILE, data)
