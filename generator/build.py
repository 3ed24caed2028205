"""The one build recipe: config, discover, parse, assemble, plan, check, policy, render and write.

Nothing is written before everything is read, checked, assembled and planned; a failed build leaves
the output as it was. Caches are passed to the stages that read them and kept by this recipe.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from generator.buildstamp import input_fingerprint, marker_stat, read_stamp, settings_fingerprint, write_stamp
from generator.cacherecords import Stamp
from generator.confine.cache import cache_folder_problem, unwritable_cache
from generator.confine.hub import OutsideHub, walk_hub
from generator.confine.output import UnsafeOutputPath, output_state, remove_leftovers, unwritable_outputs
from generator.diagnostics import Diagnostic, cause_first, has_errors
from generator.discover import ParseSettings, discover
from generator.incremental import ParseCache, parse_all
from generator.model import Site
from generator.outputs import Bundle, Planned, planned_urls
from generator.write import MARKER, STAGING_PREFIX, UnsafeOutput, check_output_folder


@dataclass(frozen=True)
class BuildOptions:
    """What to build, from where, to where."""

    site_dir: Path
    out_dir: Path
    drafts: bool = False
    write: bool = True          # False: check only (`haven check`)
    use_cache: bool = True
    search_index: bool = True   # the preview server defers indexing so edits stay fast
    headers: bool = False       # also write a _headers file (CSP etc.) for static hosts
    strict: bool = False        # warnings count as errors
    today: date | None = None   # the date review schedules and scheduled articles are measured against
    progress: Callable[[str, int, int], None] | None = None   # told (stage, done, total) as the build runs
    future: bool = False        # also build articles dated after today (unlisted, with a "scheduled" banner)
    # the preview: what only the next build reads (the parse cache's files, the stamp its no-op check reads)
    # is left for the caller to write after browsers were told (BuildResult.bookkeeping)
    defer_bookkeeping: bool = False


@dataclass
class BuildResult:
    """What a build found and did."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    parsed: int = 0
    seconds: float = 0.0
    site: Site | None = None
    usage_error: str = ""       # a problem with the command, not with the hub's files
    suppressed: list = field(default_factory=list)   # findings silenced by `checks:` in front matter
    # with `defer_bookkeeping`: what is left to do once the output is written (see BuildOptions)
    bookkeeping: Callable[[], None] | None = None

    @property
    def ok(self) -> bool:
        """True when the build had no errors."""
        return not self.usage_error and not has_errors(self.diagnostics)

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(d.severity == "warning" for d in self.diagnostics)


def build(options: BuildOptions) -> BuildResult:
    """Build the hub in options.site_dir into options.out_dir (or only check it)."""
    # No garbage collection during a build: the records a build makes are almost all acyclic (freed by
    # reference counting) and most live to its end, so the collector walks the same growing heap again
    # and again for nothing: at 10,000 articles it took a seventh of a cold build's CPU with raised
    # thresholds, and a quarter of a one-article edit's time (1.3 of 4.6 s). A clean build leaves about a
    # thousand objects in cycles per thousand articles; they are collected once the collector runs again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(options)
    finally:
        if collecting:
            gc.enable()


def _build(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    result = BuildResult()
    site_dir, out_dir = options.site_dir, options.out_dir

    later: list[Callable[[], None]] = []   # bookkeeping left for after browsers were told (the preview)

    def bookkeeping(task: Callable[[], None]) -> None:
        """Run `task` now, or with `defer_bookkeeping` once the caller has shown the result; a cache file it
        cannot write is a warning (the site is built: the cache only saves the next build time)."""
        if options.defer_bookkeeping:
            later.append(task)
            return
        try:
            task()
        except OSError as exc:
            result.diagnostics.append(unwritable_cache(exc))

    def finish() -> BuildResult:
        result.diagnostics = cause_first(result.diagnostics)  # unreadable files first, follow-ons left out
        result.seconds = time.perf_counter() - started
        if later:
            result.bookkeeping = run_later
        return result

    def run_later() -> None:
        for task in later:
            with contextlib.suppress(OSError):   # (the preview's next build reads that part as missing)
                task()

    if options.write:
        try:
            check_output_folder(out_dir, site_dir)
        except UnsafeOutput as exc:
            result.usage_error = str(exc)
            return finish()

    # 1. discover the hub's files; when no input changed since the last good build (site.yaml is one of
    # them), there is nothing to do, and not even the settings need reading
    markdown_files, findings = discover(site_dir)   # links out of the hub are findings, never read
    result.diagnostics += findings
    # the cache is Haven's own folder in the hub: used only while it and its folders are real folders
    unsafe_cache = cache_folder_problem(site_dir) if options.use_cache else None
    use_cache = options.use_cache and unsafe_cache is None
    result.diagnostics += [unsafe_cache] if unsafe_cache else []
    today = options.today or date.today()
    # `today` is an input: the daily build on an article's date publishes it though no file changed
    settings_files = settings_fingerprint(site_dir, (options.drafts, options.strict, options.headers,
                                                     options.search_index, str(out_dir.resolve()), today,
                                                     options.future))
    inputs = input_fingerprint(settings_files, markdown_files)
    if options.write and use_cache and not has_errors(result.diagnostics):
        last = read_stamp(site_dir, out_dir)
        # the output files as the last build left them (one lstat each): a hand-edited one is restored
        if last and last.inputs == inputs and last.marker == marker_stat(out_dir / MARKER) \
                and last.outputs == output_state(out_dir, last.output_files):
            result.diagnostics, result.suppressed = list(last.diagnostics), list(last.suppressed)
            result.unchanged = last.files
            return finish()

    # 2. config (imported only now, with the language data it validates against)
    from generator.config import load_config

    config, findings = load_config(site_dir)
    result.diagnostics += findings
    if config is None:
        return finish()

    # The stages are imported only now: a build with nothing to do never loads Markdown, Jinja or the checks.
    from generator import images, lastplan, redirects, reuse
    from generator.assemble import assemble
    from generator.authors import load_authors
    from generator.bibliography import load_bibliography
    from generator.checks import hub as hub_checks
    from generator.checks.policy import apply_policy
    from generator.checks.urls import one_per_line
    from generator.discover import unread_files
    from generator.pagestore import PageStore
    from generator.plan import plan
    from generator.render import PageRules, render_outputs
    from generator.templates import TemplateFailure, Templates
    from generator.theme import static_files as merged_static_files
    from generator.write import (
        WRITER_REPAIRS,
        read_checked_record,
        recorded_warnings,
        stale_outputs,
        write_outputs,
    )

    # 3. parse: authors, references, templates, then articles and pages (cached, parallel when many)
    authors, findings, authors_digest = load_authors(site_dir)
    result.diagnostics += findings
    bibliography, findings = load_bibliography(site_dir)
    result.diagnostics += findings
    templates = Templates(site_dir, config)
    result.diagnostics += templates.load()
    settings = ParseSettings(config.base_path, config.readability_target, config.max_article_bytes,
                             urlsplit(config.base_url).hostname or "", config.allow_hosts,
                             tuple(lang.code for lang in config.languages), config.default_language.code,
                             parse_seconds=config.parse_seconds)
    cache = ParseCache(site_dir, settings) if use_cache else None
    if cache:
        cache.load()
    _tell(options, "reading articles and pages", 0, len(markdown_files))
    parsed, result.parsed = parse_all(site_dir, markdown_files, settings, cache)
    _tell(options, "checking the hub", 0, 0)
    if cache:   # bodies go to the body store (the preview parses a file or two a save: theirs can wait)
        bookkeeping(functools.partial(cache.save_entries, {s.path for s in markdown_files}))
        # pages read bodies back one at a time, so memory stays flat; a record is taken back only for the same
        # content (a file refused or stopped this build keeps its finding, never its last good record)
        if not options.defer_bookkeeping:
            parsed = [stored if (stored := cache.parsed(p.path)) and stored.digest == p.digest else p for p in parsed]
    for file in parsed:
        result.diagnostics += file.findings

    # 4. measure the local images pages show, then assemble the site model (reusing formatted citations)
    static, findings = static_files(site_dir)
    result.diagnostics += findings
    measured, findings = images.measure(images.referenced(parsed, config.base_path), merged_static_files(site_dir),
                                        site_dir)
    result.diagnostics += findings
    # (the preview: a save that changes only articles' text reuses what the last build made of the hub as a
    # whole, with those articles made, planned and checked again: see generator.reuse)
    preview = options.defer_bookkeeping and options.write and not options.search_index
    unread = unread_files(site_dir)
    world = (settings_files, use_cache, config.digest, authors_digest, static, measured, unread) if preview else ()

    # the checks of the hub as a whole: run by this recipe, or by the preview's shortcut after a card changed
    def check_hub(site: Site, urls: set[str]) -> list[Diagnostic]:
        return hub_checks.whole_hub(site, urls, templates, site_dir, today, unread)

    shortcut = reuse.after_text_edits(str(out_dir), world, parsed, bibliography, cache, templates, authors_digest,
                                      check_hub) if preview else None
    # (a command-line build after one that changed only articles' text keeps the last build's plan and findings
    # for the rest of the hub: see generator.lastplan)
    carrying = options.write and use_cache and not options.defer_bookkeeping
    plan_world = lastplan.world_fingerprint(settings_files, config.digest, authors_digest, static, measured,
                                            unread) if carrying else ""
    last_plan = lastplan.load(site_dir, out_dir, plan_world) if carrying else None
    read_record: tuple[dict, list[Diagnostic]] | None = None
    address_findings: list[Diagnostic] = []   # about addresses the plan claims (kept with it)
    if shortcut is not None:
        whole, planned_again = shortcut
    else:
        planned_again = None   # every output is looked at
        site, placed_findings, memo = assemble(config, parsed, authors, bibliography, static, options.drafts,
                                               previous=cache, today=today, show_scheduled=options.future,
                                               images=measured)
        carried = None
        if last_plan is not None:
            read_record = read_checked_record(out_dir)
            carried = lastplan.carry(last_plan, parsed, site, templates, read_record[0], options.search_index,
                                     authors_digest)
        if carried is not None and last_plan is not None:
            outputs, urls = carried.outputs, planned_urls(carried.outputs)
            address_findings = last_plan.placed_findings
            hub_findings = check_hub(site, urls) if carried.cards else last_plan.hub_findings   # (titles are the hub's)
            body_findings = carried.body_findings + hub_checks.in_bodies(site, urls, carried.remade)
        else:
            # 5. plan every file the build writes
            outputs = plan(site, templates, site_dir, authors_digest, headers=options.headers,
                           search=options.search_index)
            # 6. check the hub as a whole (links against the planned URLs)
            urls = planned_urls(outputs)
            address_findings = redirects.check(site, outputs) + unwritable_outputs(out_dir, outputs)
            body_findings = hub_checks.in_bodies(site, urls, site.articles + site.pages + site.scheduled)
            hub_findings = check_hub(site, urls)
        whole = reuse.WholeHub(world, {file.path: file.digest for file in parsed}, site, outputs, urls, memo,
                               placed_findings + address_findings, hub_findings, body_findings)
    site, outputs = whole.site, whole.outputs
    result.site = site
    result.diagnostics += whole.findings
    if cache:
        bookkeeping(functools.partial(cache.save_memo, whole.memo))

    # 7. policy: one place decides what is an error
    suppressions = [s for a in site.articles + site.pages for s in a.parsed.suppressions]  # read in parse
    result.diagnostics, result.suppressed = apply_policy(result.diagnostics, options.strict, suppressions,
                                                         config.check_levels)
    if has_errors(result.diagnostics) or not options.write:
        return finish()

    # 8. render what changed since the last build and write it, all or nothing
    # the record is data to check, not to obey (after the preview's shortcut, the files of the output folder
    # and the folders on their way are looked at only where the plan changed)
    previous, record_findings = read_record or read_checked_record(out_dir, planned_again)
    # without the cache nothing an earlier build left is trusted: every output is made and compared byte for byte
    # with its file (a page edited in place, its size and time set in the record to match, is written again)
    stale = stale_outputs(out_dir, outputs, previous, planned_again) if use_cache else \
        [o for o in outputs if not (isinstance(o, Bundle) and o.deferred)]
    if any(isinstance(output, Planned) for output in stale):   # a carried file is not as recorded
        outputs = whole.outputs = plan(site, templates, site_dir, authors_digest, headers=options.headers,
                                       search=options.search_index)
        stale = stale_outputs(out_dir, outputs, previous, planned_again)
    # the rendered-page check's findings get the hub's levels too; a page not rendered again keeps its warnings
    rules = PageRules(config.check_levels, options.strict)
    kept = rules.carried(recorded_warnings(outputs, stale, previous))
    if has_errors(kept):   # --strict, and an unchanged page had warnings: nothing is written
        result.diagnostics += kept
        return finish()
    # a page an earlier build wrote with the same inputs is taken from the cache's page store, not rendered again
    store = PageStore(site_dir) if use_cache else None
    rendered = _counted(render_outputs(stale, templates, rules, store), options, "writing pages", len(stale))
    remove_leftovers(out_dir, (STAGING_PREFIX, MARKER + "."), time.time())   # of builds stopped midway
    try:
        written = write_outputs(out_dir, outputs, rendered, previous, rewrite_record=bool(record_findings))
    except TemplateFailure as failure:
        result.diagnostics.append(failure.diagnostic)
        return finish()
    except OutsideHub as escaped:   # a static file swapped for a link out of the hub since it was planned
        result.diagnostics.append(escaped.diagnostic)
        return finish()
    except UnsafeOutputPath as unsafe:   # the output folder holds what Haven may not replace: nothing was changed
        result.usage_error = str(unsafe)
        return finish()
    result.written, result.unchanged, result.removed = written.written, written.unchanged, written.removed
    if store is not None:   # the pages written now, for the next build into an empty folder
        bookkeeping(functools.partial(store.keep, out_dir, [o for o in outputs if lastplan.is_page(o)],
                                      written.digests))
    # the output folder now holds this plan: what the next preview build may start from
    reuse.remember(str(out_dir), whole if preview else None)
    known = {(d.code, d.path, d.line) for d in result.diagnostics}   # a template's own text was checked as read
    page_warnings = one_per_line(kept + written.page_warnings)
    result.diagnostics += [d for d in page_warnings if (d.code, d.path, d.line) not in known]
    if use_cache and not has_errors(result.diagnostics + written.findings):
        files = len(result.written) + result.unchanged   # every file on the record, the search index's included
        findings = result.diagnostics + [f for f in written.findings if f.code not in WRITER_REPAIRS]
        suppressed = list(result.suppressed)

        def remember() -> None:   # the stamp: the output files as they are now (one lstat each)
            write_stamp(site_dir, out_dir, Stamp(inputs, marker_stat(out_dir / MARKER), files, findings,
                                                 suppressed, output_state(out_dir, written.files), written.files))

        bookkeeping(remember)
        if carrying:
            bookkeeping(functools.partial(lastplan.save, site_dir, out_dir, plan_world, site, whole.digests, outputs,
                                          address_findings, whole.hub_findings, whole.body_findings, last_plan))
    result.diagnostics += record_findings + written.findings
    return finish()


def _tell(options: BuildOptions, stage: str, done: int, total: int) -> None:
    if options.progress:
        options.progress(stage, done, total)


_Item = TypeVar("_Item")


def _counted(items: Iterable[_Item], options: BuildOptions, stage: str, total: int) -> Iterator[_Item]:
    """`items` unchanged, telling the progress reporter how many have been made."""
    for done, item in enumerate(items, 1):
        _tell(options, stage, done, total)
        yield item


# The largest static file a hub may publish: each is read whole to be fingerprinted and copied, and a sparse file
# of many gigabytes costs a pull request nothing to commit (hosts refuse far less: GitHub Pages, 100 MB a file).
STATIC_FILE_LIMIT = 250_000_000


def static_files(site_dir: Path) -> tuple[list[str], list[Diagnostic]]:
    """Files of the built site's static/ (the hub's own and the default theme's), relative, sorted, and
    findings for links in the hub's static/ that lead out of it and files too large to publish (never copied)."""
    from generator.confine.hub import too_large_finding
    from generator.theme import static_files as merged_static_files

    found, findings = walk_hub(site_dir, "static")
    too_large = {file.rel for file in found if file.size > STATIC_FILE_LIMIT}
    findings += [too_large_finding(file.rel, file.size, STATIC_FILE_LIMIT, "a static file",
                                   "publish large media elsewhere and link to it, or make the file smaller")
                 for file in found if file.rel in too_large]
    return [rel for rel in merged_static_files(site_dir) if f"static/{rel}" not in too_large], findings
