"""Render planned outputs into bytes: templates, generated files, copies and bundles.

The build hands this stage only the outputs whose inputs changed since the last build
(`write.stale_outputs`). Results come back lazily, one `Rendered` at a time, so the writer can stage
each as it arrives and memory stays flat; many pages are spread over forked workers, which inherit
the site model and templates without copying them.
"""

from __future__ import annotations

import collections
import multiprocessing
import multiprocessing.pool
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.checks.urls import PageRules, page_findings
from generator.confine.hub import read_site_file
from generator.deadline import helper_threads
from generator.diagnostics import Diagnostic
from generator.outputs import Bundle, Copy, Generated, Output, Page, Rendered, content_digest
from generator.pagestore import PageStore
from generator.templates import TemplateFailure, Templates

# Below this many outputs, forking workers costs more than it saves.
PARALLEL_RENDER_THRESHOLD = 400


def render_outputs(outputs: list[Output], templates: Templates, rules: PageRules,
                   store: PageStore | None = None) -> Iterator[Rendered]:
    """Render each output (files first, bundles last). A template error, or a rendered page that the page
    check finds an error in (at the severity `rules` give it), raises `TemplateFailure`; a page's warnings
    come back on its `Rendered`. A page `store` holds intact, and the page check passes, is not rendered again
    (generator.pagestore)."""
    files = [o for o in outputs if not isinstance(o, Bundle)]
    bundles = [o for o in outputs if isinstance(o, Bundle)]
    if store is not None and any(isinstance(o, Page) for o in files):
        store.load()   # listed once, here: forked workers share the listing
    yield from _render_files(files, templates, rules, store)
    yield from _made_bundles(bundles)


# Each bundle (a part of the search index) is made by an indexer process of its own, which works on one core:
# two at a time keep a second core busy (at 10,000 articles, ten parts of about 2 s each) and hold at most two
# parts' indexer memory (about 300 MiB each: generator.search_index).
BUNDLES_AT_ONCE = 2


def _made_bundles(bundles: list[Bundle]) -> Iterator[Rendered]:
    """`make_bundle` of each bundle, in order; two at a time when there are cores for it."""
    if len(bundles) < 2 or (os.cpu_count() or 1) < 2:
        yield from map(make_bundle, bundles)
        return
    pool = ThreadPoolExecutor(max_workers=BUNDLES_AT_ONCE, thread_name_prefix="haven-index")
    try:
        yield from pool.map(make_bundle, bundles)
    finally:   # a build stopped early (a page failed to render) waits for no part it will not write
        pool.shutdown(wait=True, cancel_futures=True)


def render_checked(output: Output, templates: Templates, rules: PageRules,
                   store: PageStore | None = None) -> tuple[bytes, tuple[Diagnostic, ...], str]:
    """The bytes of one output that is a single file, the warnings the page check found in it, and the digest of
    the bytes when it is known already ("" otherwise); a page from `store` (its digest checked there) when the
    store has it intact and the page check finds nothing in it, else rendered here."""
    if isinstance(output, Page):
        stored = store.take(output) if store is not None else None
        if stored is not None and _stored_page_passes(stored[0], output, templates, rules):
            return stored[0], (), stored[1]
        html = templates.render(output.template, output.context())
        found = _page_check(html, output, templates, rules)
        kept = rules.decide(found) if found else []
        for problem in kept:   # what a template computed, checked as the reader would get it (generator.urlpolicy)
            if problem.severity == "error":
                raise TemplateFailure(problem)
        return html.encode("utf-8"), tuple(kept), ""
    if isinstance(output, Generated):
        return output.produce(), (), ""
    if isinstance(output, Copy):
        return read_site_file(templates.site_dir, Path(output.source)), (), ""   # a hub file only through confine
    raise TypeError(f"{type(output).__name__} is not a single file")


def _page_check(html: str, page: Page, templates: Templates, rules: PageRules) -> list[Diagnostic]:
    """What the rendered-page check finds in `html`, the page's HTML (generator.checks.urls.page_findings)."""
    return page_findings(html, "/" + page.path, templates.allowed,
                         lambda tag, attr, text: templates.where_written(page.template, tag, attr, text),
                         _reported_elsewhere(page, rules), in_source=_in_body(page))


def _stored_page_passes(data: bytes, page: Page, templates: Templates, rules: PageRules) -> bool:
    """Whether a stored page's bytes may be written as they are: UTF-8 in which the page check finds nothing
    (a page it has anything to say about is rendered again, so its findings come from a real rendering)."""
    try:
        html = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _page_check(html, page, templates, rules)


def _reported_elsewhere(page: Page, rules: PageRules) -> Callable[[str, str], bool]:
    """(code, address) -> True when the page's own file was checked for that address and the hub lowered
    the code: the file's check reported it at its line, so the page does not blame a template for it. At
    error level such a file stops the build before rendering, so an address found then was not in the
    file as written (a cache altered behind the build's back) and is reported."""
    def reported(code: str, address: str) -> bool:
        return rules.lowered(code) and page.made_from is not None and address in page.made_from.addresses()
    return reported


def _in_body(page: Page) -> Callable[[str], str] | None:
    """(a start tag as the page has it) -> the page's own file when its body holds that tag, else ""."""
    source = page.made_from
    if source is None:
        return None
    body: list[str] = []   # read only when the page check finds something (rare): from the body store

    def holding(tag: str) -> str:
        if not body:
            body.append(source.body())
        return source.path if tag in body[0] else ""
    return holding


def make_bundle(bundle: Bundle) -> Rendered:
    """Run a bundle's producer; a failure (say, the indexer is missing) becomes its warning."""
    try:
        made = bundle.produce()
    except Exception as exc:  # noqa: BLE001 - a missing or failing indexer must not break the site
        return Rendered(bundle, {}, bundle.failure(exc))
    return Rendered(bundle, {f"{bundle.path}/{rel}": data for rel, data in sorted(made.items())})


_Made = list[tuple[bytes, tuple[Diagnostic, ...], str]]   # a chunk's pages from a worker: bytes, warnings, digest
_FORKED: tuple[list[Output], Templates, PageRules, PageStore | None] | None = None   # what forked workers render from
FRESH_WORKER_PAGES = 600
CHUNK_PAGES = 250   # pages a long-lived worker renders between messages (about 6 MB of HTML)


def _render_files(outputs: list[Output], templates: Templates, rules: PageRules,
                  store: PageStore | None) -> Iterator[Rendered]:
    workers = min(os.cpu_count() or 1, 8)
    # fork only a single-threaded process (the preview server has threads: it renders in-process)
    if len(outputs) < PARALLEL_RENDER_THRESHOLD or workers < 2 or threading.active_count() > 1 + helper_threads() \
            or "fork" not in multiprocessing.get_all_start_methods():
        yield from (_rendered_here(output, templates, rules, store) for output in outputs)
        return
    # Rendering a page in a forked worker writes to about 0.1 MB of the memory it shares with this process
    # (reference counts, and its own objects placed in the free space between this process's), which the
    # system then copies: at 10,000 articles a worker that rendered half the pages held 400-460 MB of copies.
    # So a large build gives each worker a sixteenth of the pages and forks a fresh one for the next
    # (maxtasksperchild=1): the peak PSS of the whole tree in a cold build went from 1,664 to 1,052 MiB (make
    # bench), for about 11 % more CPU when every page is rendered again (a template edit: 16.4 CPU s against 14.7;
    # with an eighth a worker the same CPU, for 1,429 MiB; a 48th: 820 MiB, but 8 % slower). The CPU goes to
    # copying pages: the workers fault in what each fresh one touches again (459,000 minor faults in a template
    # edit against 205,000, +1.0 s of system time) and this process copies its own pages again after each fork
    # as it writes to them (435,000 against 300,000, +0.6 s). So fresh workers are used only
    # where each gets at least FRESH_WORKER_PAGES pages and every core two of them (a hub of 1,000 articles
    # renders as before: four chunks a core, the same two workers). Pages the store holds are only read and
    # checked, which copies little, so they do not count (a fork of this process cost about 0.1 s at 10,000
    # articles: fresh workers made a build into an empty folder 1.7 s slower for nothing).
    to_render = sum(1 for output in outputs if store is None or not isinstance(output, Page) or not store.holds(output))
    fresh = to_render > FRESH_WORKER_PAGES * workers * 2
    done: set[int] = set()
    if fresh:   # the first page of each template is rendered here, before forking: what a process learns
        # rendering its first pages (compiled templates, the tags found harmless, formatted works, catalogues)
        # is inherited by every fresh worker instead of learnt again by each
        firsts: dict[str, int] = {}
        for index, output in enumerate(outputs):
            if isinstance(output, Page):
                firsts.setdefault(output.template, index)
        yield from (_rendered_here(outputs[index], templates, rules, store) for index in firsts.values())
        done = set(firsts.values())
    rest = [index for index in range(len(outputs)) if index not in done]
    # (a chunk's pages travel back as one message: with at most two chunks a worker ahead of the writer, that many
    # pages wait here at most; a fresh worker's chunk must be large enough to pay for its fork)
    size = max(FRESH_WORKER_PAGES, len(rest) // (workers * 8)) if fresh else \
        max(1, min(len(rest) // (workers * 4), CHUNK_PAGES))
    chunks = [rest[start:start + size] for start in range(0, len(rest), size)]
    global _FORKED
    _FORKED = (outputs, templates, rules, store)
    try:
        with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=1 if fresh else None) as pool:
            for chunk, datas in zip(chunks, _few_ahead(pool, chunks, workers * 2), strict=True):
                for index, (data, warnings, digest) in zip(chunk, datas, strict=True):
                    path = outputs[index].path
                    yield Rendered(outputs[index], {path: data}, findings=warnings, digests={path: digest})
    finally:
        _FORKED = None


def _few_ahead(pool: multiprocessing.pool.Pool, chunks: list[list[int]], ahead: int) -> Iterator[_Made]:
    """`_render_forked` of each chunk, in order, with at most `ahead` chunks given to the workers and not yet
    taken by the writer. (`Pool.imap` hands out every chunk at once, and its result thread receives each as it
    comes: when the workers outrun the writer, as they do checking stored pages, the pages waited in this
    process, 160 MB at 10,000 articles.)"""
    waiting: collections.deque = collections.deque()
    for chunk in chunks:
        waiting.append(pool.apply_async(_render_forked, (chunk,)))
        if len(waiting) >= ahead:
            yield waiting.popleft().get()
    while waiting:
        yield waiting.popleft().get()


def _rendered_here(output: Output, templates: Templates, rules: PageRules, store: PageStore | None) -> Rendered:
    """One single-file output rendered in this process."""
    data, warnings, digest = render_checked(output, templates, rules, store)
    return Rendered(output, {output.path: data}, findings=warnings, digests={output.path: digest} if digest else {})


def _render_forked(chunk: list[int]) -> _Made:
    """A chunk's bytes and warnings, and the digest of each page's bytes: made here, in parallel, the writer need
    not hash them again in the one process that writes (a stored page's was checked as it was read)."""
    assert _FORKED is not None
    outputs, templates, rules, store = _FORKED
    return [(data, warnings, digest or content_digest(data)) for data, warnings, digest in
            (render_checked(outputs[index], templates, rules, store) for index in chunk)]
