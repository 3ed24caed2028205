"""The one build recipe: read, check, plan, render, write. Nothing is written before
everything is read, checked and assembled; a failed build leaves the output as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from typing import TYPE_CHECKING

from generator.config import load_config
from generator.diagnostics import Diagnostic, has_errors, sort_key
from generator.incremental import (ParseCache, Stamp, input_fingerprint, marker_stat, parse_all, read_stamp,
                                   write_stamp)
from generator.model import Site
from generator.sources import ParseSettings, discover
from generator.write import MARKER, UnsafeOutput, check_output_folder, write_outputs

if TYPE_CHECKING:
    from generator.plan import Output
    from generator.templates import Templates


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
    today: date | None = None   # the date review schedules are measured against (default: today)


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
    started = time.perf_counter()
    result = BuildResult()
    site_dir = options.site_dir

    def finish() -> BuildResult:
        result.diagnostics.sort(key=sort_key)
        result.seconds = time.perf_counter() - started
        return result

    if options.write:
        try:
            check_output_folder(options.out_dir, site_dir)
        except UnsafeOutput as exc:
            result.usage_error = str(exc)
            return finish()

    # 1. load config
    config, findings = load_config(site_dir)
    result.diagnostics += findings
    if config is None:
        return finish()

    # 2. discover sources; when no input changed since the last good build, there is nothing to do
    sources = discover(site_dir)
    today = options.today or date.today()
    inputs = input_fingerprint(site_dir, sources, (options.drafts, options.strict, options.headers,
                                                   options.search_index, str(options.out_dir.resolve()), today))
    if options.write and options.use_cache:
        last = read_stamp(site_dir, options.out_dir)
        if last and last.inputs == inputs and last.marker == marker_stat(options.out_dir / MARKER):
            result.diagnostics, result.suppressed, result.unchanged = list(last.diagnostics), list(last.suppressed), last.files
            return finish()

    # The stages are imported only now: a build with nothing to do never loads Markdown, Jinja or the checks.
    from generator import publish
    from generator.assemble import assemble
    from generator.authors import load_authors
    from generator.bibliography import load_bibliography
    from generator.checks import hub as hub_checks
    from generator.checks.editorial import apply_policy, check_suppressions
    from generator.plan import plan, public_urls
    from generator.templates import TemplateFailure, Templates

    # 1, continued: the rest of what every page reads
    authors, findings, authors_digest = load_authors(site_dir)
    result.diagnostics += findings
    bibliography, findings = load_bibliography(site_dir)
    result.diagnostics += findings
    templates = Templates(site_dir, config)
    result.diagnostics += templates.load()

    # 3. parse (cached, parallel when large)
    settings = ParseSettings(config.base_path, config.readability_target)
    cache = ParseCache(site_dir, settings) if options.use_cache else None
    if cache:
        cache.load()
    parsed, result.parsed = parse_all(site_dir, sources, settings, cache)
    if cache:  # bodies go to disk now; pages read them back one at a time, so memory stays flat
        cache.save_entries({s.path for s in sources})
        parsed = [cache.parsed(p.path) or p for p in parsed]
    for source in parsed:
        result.diagnostics += source.findings

    # 4. assemble the site model
    site, findings = assemble(config, parsed, authors, bibliography, static_files(site_dir), options.drafts,
                              cache.memo if cache else None, cache.load_body if cache else None)
    result.site = site
    result.diagnostics += findings

    # 5. check the hub as a whole, then decide severity in one place
    result.diagnostics += hub_checks.run(site, public_urls(site), templates, site_dir, today)
    suppressions = [s for a in site.articles + site.pages if a.meta.checks
                    for s in check_suppressions(a.source.path, a.meta.checks, a.meta.lines.get("checks", 1))[0]]
    result.diagnostics, result.suppressed = apply_policy(result.diagnostics, options.strict, suppressions)
    if cache:
        cache.save_memo()
    if has_errors(result.diagnostics) or not options.write:
        return finish()

    # 6. plan outputs, 7. render and 8. write (all or nothing)
    outputs = plan(site, templates, site_dir, authors_digest, options.headers)
    try:
        written = write_outputs(options.out_dir, outputs, lambda output: render(output, templates))
    except TemplateFailure as failure:
        result.diagnostics.append(failure.diagnostic)
        return finish()
    result.written, result.unchanged, result.removed = written.written, written.unchanged, written.removed
    result.diagnostics += publish.after_write(site, options.out_dir, result.written + result.removed,
                                              options.search_index)
    if options.use_cache and not has_errors(result.diagnostics):
        write_stamp(site_dir, options.out_dir, Stamp(inputs, marker_stat(options.out_dir / MARKER),
                                                     len(outputs), result.diagnostics, result.suppressed))
    return finish()


def render(output: Output, templates: Templates) -> bytes:
    """The bytes of one output."""
    if output.copy_from:
        return Path(output.copy_from).read_bytes()
    if output.produce is not None:
        return output.produce()
    assert output.context is not None
    return templates.render(output.template, output.context()).encode("utf-8")


def static_files(site_dir: Path) -> list[str]:
    """Files of the built site's static/ (the hub's own and the default theme's), relative, sorted."""
    from generator.theme import static_files as merged_static_files

    return list(merged_static_files(site_dir))
