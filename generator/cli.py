"""`haven build | check | new | serve | publish`: arguments in, findings printed, exit status out.

Exit status: 0 ok (warnings allowed), 1 the hub's files have errors, 2 usage errors.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from generator.build import BuildOptions, BuildResult, build
from generator.diagnostics import printable
from generator.discover import SITE_FILE
from generator.progress import paint, progress_for, wants_color

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 on usage errors; keep its message short
        self.print_usage(sys.stderr)
        print(f"haven: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def make_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = _Parser(prog="haven", description="Build, check and preview a Haven mental-health article hub.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def site_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--site", type=Path, default=Path("."), help="the hub's folder (default: current folder)")
        p.add_argument("--drafts", action="store_true", help="include articles with draft: true")
        p.add_argument("--future", action="store_true",
                       help="also build articles dated after today (unlisted, marked as scheduled)")

    def output_options(p: argparse.ArgumentParser) -> None:
        loudness = p.add_mutually_exclusive_group()
        loudness.add_argument("-q", "--quiet", action="store_true",
                              help="print only findings: no progress line, no summary when all is well")
        loudness.add_argument("-v", "--verbose", action="store_true",
                              help="also list every file written and removed, and how many files were read")

    p = sub.add_parser("build", help="build the site into the output folder")
    site_options(p)
    output_options(p)
    p.add_argument("--out", type=Path, default=None, help="output folder (default: SITE/output)")
    p.add_argument("--no-cache", action="store_true",
                   help="ignore and do not update .haven-cache/, and make every file again (trusting nothing an "
                   "earlier build left in the output folder)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--no-search-index", action="store_true",
                   help="skip (re)building the search index: quicker local builds; /search/ then finds nothing new")
    p.add_argument("--headers", action="store_true",
                   help="also write _headers (Content-Security-Policy and friends) for Netlify/Cloudflare Pages")

    p = sub.add_parser("check", help="check everything a build checks; writes nothing")
    site_options(p)
    output_options(p)
    p.add_argument("--format", choices=("human", "lines", "json", "github"), default="human",
                   help="human: grouped by file (default); lines: one compiler-style line per finding; "
                        "json: machine-readable; github: GitHub Actions annotations")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--html", type=Path, default=None, metavar="FILE",
                   help="also write the editor's dashboard (one row per article) to FILE")
    p.add_argument("--list", action="store_true",
                   help="print every check code with its default severity and meaning, then stop")

    p = sub.add_parser("publish", help="build, then publish: to a branch of the hub's git repository, or into a folder")
    p.add_argument("--site", type=Path, default=Path("."), help="the hub's folder (default: current folder)")
    p.add_argument("--to", required=True, metavar="git|DIR",
                   help="git: commit the site to a branch (default gh-pages); DIR: copy it into that folder")
    p.add_argument("--branch", default=None, help="the branch for --to git (default: publish.branch, else gh-pages)")
    p.add_argument("--push", default=None, metavar="REMOTE", help="with --to git: push the branch to REMOTE")
    p.add_argument("--dry-run", action="store_true",
                   help="build, then say what publishing would change; change nothing")
    p.add_argument("--out", type=Path, default=None, help="output folder to build into (default: SITE/output)")
    p.add_argument("--headers", action="store_true", help="also write _headers (as haven build --headers)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p = sub.add_parser("new", help="write a new article, ready to edit")
    p.add_argument("title", help='the article title, e.g. "Coping with loneliness"')
    p.add_argument("--site", type=Path, default=Path("."), help="the hub's folder (default: current folder)")
    p.add_argument("--author", default=None, help="author id from data/authors.yaml")
    p.add_argument("--topic", action="append", default=[], help="topic id from site.yaml (repeatable)")
    p.add_argument("--slug", default=None, help="slug (default: from the title)")

    p = sub.add_parser("init", help="start a new hub in DIR (a new or empty folder)")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."),
                   help="the new hub's folder (default: current folder)")

    p = sub.add_parser("theme", help="list the default theme's files, or copy one into the hub to edit")
    theme = p.add_subparsers(dest="theme_command", required=True, parser_class=_Parser)
    q = theme.add_parser("list", help="list the theme's templates and static files")
    q.add_argument("--site", type=Path, default=Path("."), help="the hub's folder (default: current folder)")
    q = theme.add_parser("copy", help="copy one theme file into the hub's templates/ or static/ to edit")
    q.add_argument("name", help="a name from `haven theme list`, e.g. base.html or static/css/haven.css")
    q.add_argument("--site", type=Path, default=Path("."), help="the hub's folder (default: current folder)")

    p = sub.add_parser("serve", help="build and preview on http://127.0.0.1:PORT")
    site_options(p)
    p.add_argument("--out", type=Path, default=None, help="output folder (default: SITE/output)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this computer only)")
    p.add_argument("--open", action="store_true", help="open the preview in a browser")
    return parser


def run() -> None:
    """The `haven` program: `main`, then exit without tearing the heap down object by object.

    A build of thousands of articles leaves a large heap; freeing it one object at a time at exit
    took longer than a one-article rebuild (issue 14). Everything is written and closed by then
    (files by `with`, worker pools joined); only the standard streams need flushing.

    For the same reason a command that runs once collects no garbage: what it makes lives until the exit
    (when a build ends and the collector comes back, its first pass walked the whole build's heap: 0.6 s of
    a one-article edit at 10,000 articles). `haven serve` runs for hours and collects after each build.
    """
    if sys.argv[1:2] != ["serve"]:
        gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (`haven check | head`): nothing more to say
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `haven` command (returns the exit status)."""
    args = make_parser().parse_args(argv)
    try:
        if args.command == "init":
            from generator.hubinit import init_hub

            return init_hub(args.dir)
        if args.command == "theme" and args.theme_command == "list":   # needs no hub
            from generator.hubinit import list_theme

            return list_theme(args.site)
        if args.command == "check" and args.list:  # the table of check codes needs no hub
            from generator.checks.policy import table_text

            print(table_text())
            return EXIT_OK
        if not (args.site / SITE_FILE).exists():  # every command: the same words, the same exit status
            from generator.config import missing_config  # only when it is missing: the settings' checks load a lot

            missing = missing_config(args.site.resolve())
            print(f"haven: error: {printable(missing.message)} - {printable(missing.hint)}", file=sys.stderr)
            return EXIT_USAGE
        if args.command == "new":
            from generator.scaffold import new_article

            return new_article(args.site, args.title, args.author, args.topic, args.slug)
        if args.command == "theme":
            from generator.hubinit import copy_theme_file

            return copy_theme_file(args.site, args.name)
        out = getattr(args, "out", None) or args.site / "output"
        if args.command == "serve":
            from generator.serve import serve

            return serve(args, out)
        if args.command == "publish":
            from generator.deploy import PublishOptions, publish

            return publish(PublishOptions(args.site, out, args.to, args.branch, args.push, args.dry_run,
                                          args.headers, args.strict))
        options = BuildOptions(args.site, out, drafts=args.drafts, future=args.future, write=args.command == "build",
                               use_cache=not getattr(args, "no_cache", False),
                               headers=getattr(args, "headers", False), strict=args.strict,
                               search_index=not getattr(args, "no_search_index", False))
        progress = progress_for(sys.stderr, args.quiet)
        try:
            result = build(dataclasses.replace(options, progress=progress))
        finally:
            if progress:
                progress.close()
        if args.command == "check":
            return check_report(result, args.format, args.html, quiet=args.quiet)
        return report(result, args.command, quiet=args.quiet, verbose=args.verbose)
    except KeyboardInterrupt:
        return 130


def report(result: BuildResult, command: str, stream=None, quiet: bool = False, verbose: bool = False) -> int:
    """Print findings compiler-style and a one-line summary (none with `quiet` when all is well);
    `verbose` also lists the files written and removed. Returns the exit status."""
    stream = stream or sys.stderr
    color = wants_color(stream)
    if result.usage_error:
        print(f"haven: {paint('error', '1;31', color)}: {result.usage_error}", file=stream)
        return EXIT_USAGE
    for diagnostic in result.diagnostics:
        line = diagnostic.format()
        if color:   # only the severity word: the rest stays plain to copy and paste
            word = diagnostic.severity
            line = line.replace(f": {word}: ", f": {paint(word, '1;31' if word == 'error' else '1;33', True)}: ", 1)
        print(line, file=stream)
    errors = sum(d.severity == "error" for d in result.diagnostics)
    plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"  # noqa: E731
    if errors:
        print(f"haven: {command} failed: {plural(errors, 'error')}, {plural(result.warnings, 'warning')}; "
              f"nothing was written ({result.seconds:.2f} s)", file=stream)
        return EXIT_CONTENT
    if verbose:
        print(f"haven: read {result.parsed} new or changed source files (the others from the cache)", file=stream)
        for path in result.written:
            print(f"haven: wrote {path}", file=stream)
        for path in result.removed:
            print(f"haven: removed {path}", file=stream)
    if quiet:
        return EXIT_OK
    if command == "build":
        total = len(result.written) + result.unchanged
        print(f"haven: built {plural(total, 'file')}: {len(result.written)} written, {result.unchanged} unchanged, "
              f"{len(result.removed)} removed; {plural(result.warnings, 'warning')}; {result.seconds:.2f} s",
              file=stream)
    else:
        pages = len(result.site.articles) + len(result.site.pages) if result.site else 0
        print(f"haven: checked {plural(pages, 'page')}: no errors, {plural(result.warnings, 'warning')}; "
              f"{result.seconds:.2f} s", file=stream)
    return EXIT_OK


def check_report(result: BuildResult, fmt: str, html: Path | None, quiet: bool = False) -> int:
    """`haven check` output in the chosen format (stdout), the optional dashboard, the exit status."""
    from generator import reports

    if result.usage_error or fmt == "lines":
        return report(result, "check", quiet=quiet)
    if fmt == "json":
        print(reports.format_json(result.diagnostics, result.suppressed))
    elif fmt == "github":
        text = reports.format_github(result.diagnostics)
        if text:
            print(text)
    else:
        print(reports.format_human(result.diagnostics, result.suppressed, color=wants_color(sys.stdout)).rstrip("\n"))
    if html is not None and result.site is not None:
        from generator.dashboard import health_rows, render_dashboard

        today = date.today()
        page = render_dashboard(health_rows(result.site, result.diagnostics, today), today,
                                        result.site.config.title, target_grade=result.site.config.readability_target)
        html.write_text(page, "utf-8")
        print(f"haven: wrote the dashboard to {html}", file=sys.stderr)
    return EXIT_CONTENT if not result.ok else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
