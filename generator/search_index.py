"""The search index: Pagefind, run locally as part of the build (no network, ever), in parts.

Each published article becomes one Pagefind record built from the site model: its URL, its
plain-text body (with title and summary), and metadata the search page shows (title, summary,
topics). Building from the model rather than the HTML means the index holds only articles (never
navigation, the crisis box or footers) whatever the templates look like, and that we know exactly
what the index depends on.

Pagefind cannot update an index page by page (its word index is cut into chunks alphabetically, so one
new word moves every chunk; pagefind/pagefind#71), its memory grows with the text it indexes (about
0.3 MiB per 900-word article: 3 GiB for 10,000) and its time too. So a large hub's index is made in
parts of at most `PART_RECORDS` articles per language, each part a Pagefind bundle of its own, made by its
own indexer process (two at a time: generator.render), and searched together in the browser (Pagefind's
`mergeIndex`, the way its docs search several sites at once):

- a record's part is a hash of its URL: an edit re-indexes only the part that holds the article (the
  others keep their files, byte for byte), and peak memory is two parts', not the hub's;
- part 1 is `pagefind/` (with Pagefind's script and the language's WebAssembly); parts 2, 3 ... are
  `pagefind/part-2/` ... (index and fragments only; their URLs resolve against the hub's root, as part
  1's do). `pagefind/haven-parts.json` says, per language, which parts the search page merges in; a
  hub of up to `PART_RECORDS` articles per language has one part, as before;
- every part is one planned output, a `Bundle` (see outputs.py), whose input is a fingerprint of the
  records it holds: it is rebuilt only when what it holds changed, or when its files are missing;
- Pagefind hands its files back in memory; the one writer writes them under the one output record,
  only those whose bytes changed, and removes files no part produces any more;
- `haven serve` passes search_index=False: the bundles are deferred, so the preview never waits for
  indexing (the search page says so when no index is there) and an index made earlier stays.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from io import BufferedReader
from pathlib import Path
from typing import cast

from generator import __version__
from generator.checks.policy import finding
from generator.confine.hub import OutsideHub, read_site_file
from generator.diagnostics import Diagnostic
from generator.model import Article, Site
from generator.outputs import Bundle, fingerprint

FOLDER = "pagefind"
PART_RECORDS = 1000        # articles per part and language (about 300 MiB of indexer memory each)
PARTS_FILE = "haven-parts.json"
# What the browser needs for the JavaScript API; Pagefind's own UI bundles are left out.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
# What a part beyond the first needs (its entry, metadata, index and fragments): the browser merges it in
# with the first part's script and WebAssembly.
PART_FOLDERS = ("index/", "fragment/", "filter/")
_HEADING_ANCHOR = re.compile(r'<a\b[^>]*\bclass="(?:heading-anchor|footnote-ref|footnote-backref)"[^>]*>.*?</a>',
                             re.DOTALL)
# Elements marked data-pagefind-ignore (the footnotes' "Notes" heading) stay out of records and excerpts.
_IGNORED = re.compile(r'<(h[1-6]|p|span|div)\b[^>]*\bdata-pagefind-ignore\b[^>]*>.*?</\1>', re.DOTALL)
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|tr|dd|dt|figcaption)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Record:
    """One searchable article."""

    url: str                       # site-relative, without the base path (Pagefind adds it in the browser)
    content: str
    meta: tuple[tuple[str, str], ...]
    topics: tuple[str, ...]
    language: str = ""             # Pagefind keeps one index per language and loads the page's <html lang>


def records(site: Site) -> list[Record]:
    """A record per published article, newest first."""
    out = []
    for article in site.articles:
        if article.meta.draft:
            continue
        out.append(_record(site, article))
    return out


def body_text(article: Article) -> str:
    """The article body as plain text, as a reader sees it (citations formatted, no '#' anchors)."""
    html = _IGNORED.sub("", _HEADING_ANCHOR.sub("", article.body_html))
    html = _BLOCK_END.sub("\n", html)
    text = unescape(_TAG.sub("", html))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _record(site: Site, article: Article) -> Record:
    meta = article.meta
    language = site.config.language_of(article.lang)
    topics = tuple(language.topics[t].title for t in meta.topics if t in language.topics)
    content = "\n".join(part for part in (meta.title, meta.summary, body_text(article)) if part)
    fields = [("title", meta.title), ("summary", meta.summary)]
    if topics:
        fields.append(("topics", ", ".join(topics)))
    if meta.date:
        fields.append(("date", meta.date.isoformat()))
    return Record(article.url, content, tuple(fields), topics, _pagefind_language(language.code))


def _inputs(site: Site, article: Article) -> tuple:
    """What one article's record is made of, without reading its body (bodies stay on disk until needed):
    the body's own fingerprint, not the file's, so a front matter field readers do not search
    (`reviewed_on:`, say) leaves its part alone."""
    return (article.url, article.parsed.body_digest, article.citations_fingerprint,
            [(r.key, r.html) for r in article.references], article.meta.title, article.meta.summary,
            article.meta.date, article.lang,
            tuple(site.config.language_of(article.lang).topics[t].title for t in article.meta.topics
                  if t in site.topics))


def parts(site: Site) -> list[list[Article]]:
    """The published articles by part (the first part always exists, perhaps empty).

    Each language's articles are spread over ceil(n / PART_RECORDS) parts by a hash of their URL, so
    an article stays in its part while the hub grows, until its language needs one more part."""
    forced = language(site)
    by_language: dict[str, list[Article]] = {}
    for article in site.articles:
        if not article.meta.draft:
            code = forced or _pagefind_language(site.config.language_of(article.lang).code)
            by_language.setdefault(code, []).append(article)
    found: list[list[Article]] = [[]]
    for members in by_language.values():
        count = -(-len(members) // PART_RECORDS)
        hashes = [_url_hash(a.url) for a in members]
        slots = [h % count for h in hashes]
        if 0 not in slots:
            # The first part must hold every language: the browser loads it in the page's language, and
            # Pagefind answers a language it lacks with another language's index.
            slots[hashes.index(min(hashes))] = 0
        found.extend([] for _ in range(max(slots) + 1 - len(found)))
        for article, slot in zip(members, slots, strict=True):
            found[slot].append(article)
    return found


@functools.lru_cache(maxsize=1 << 16)   # the same addresses build after build (the preview server)
def _url_hash(url: str) -> int:
    """A stable hash of an article's address: where it goes among its language's parts."""
    return int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest(), "big")


def part_folder(number: int) -> str:
    """The output folder of part `number` (0-based): pagefind, pagefind/part-2, pagefind/part-3 ..."""
    return FOLDER if number == 0 else f"{FOLDER}/part-{number + 1}"


def parts_manifest(site: Site, split: list[list[Article]]) -> dict[str, list[str]]:
    """Per Pagefind language, the folders (relative to pagefind/) of the parts beyond the first that hold it."""
    forced = language(site)
    manifest: dict[str, list[str]] = {}
    for number, members in enumerate(split):
        codes = {forced or _pagefind_language(site.config.language_of(a.lang).code) for a in members}
        for code in sorted(codes):
            manifest.setdefault(code, [])
            if number:
                manifest[code].append(f"part-{number + 1}/")
    return dict(sorted(manifest.items()))


def index_fingerprint(site: Site, members: list[Article] | None = None, manifest: object = None) -> str:
    """What one part holds (the whole index when `members` is None): its records' inputs, the language,
    the Pagefind version and, for the first part, the list of parts the search page merges in."""
    chosen = members if members is not None else [a for a in site.articles if not a.meta.draft]
    rows = [_inputs(site, a) for a in chosen]
    return fingerprint(__version__, pagefind_version(), language(site), site.config.base_path, rows, manifest)


def language(site: Site) -> str:
    """The one language Pagefind indexes a single-language hub in ('en' from 'en-GB'); "" when the hub
    speaks several, so that Pagefind keeps an index per language (each record says its own)."""
    if len(site.config.languages) > 1:
        return ""
    return _pagefind_language(site.config.language or "en")


def _pagefind_language(tag: str) -> str:
    """The ISO 639-1 tag Pagefind expects ('en' from 'en-GB')."""
    return tag.split("-")[0].split("_")[0].lower() or "en"


def pagefind_version() -> str:
    """The installed Pagefind indexer's version ("" when it is not installed)."""
    try:
        from importlib.metadata import version

        return version("pagefind_bin")
    except Exception:  # noqa: BLE001 - not installed, or installed another way
        return ""


def bundles(site: Site, deferred: bool = False) -> list[Bundle]:
    """The search index as planned bundles, one per part (see the module doc).

    Each part's one input is what it holds, so it is remade only when that changed (or its files are
    missing); deferred bundles (the preview server) are not made and keep the files made last.
    """
    split = parts(site)
    manifest = parts_manifest(site, split)
    planned = []
    for number, members in enumerate(split):
        extra = manifest if number == 0 else None
        # a deferred part keeps the files made last and is never compared: its records need no fingerprint
        held = "deferred" if deferred else index_fingerprint(site, members, extra)
        planned.append(Bundle(part_folder(number), (("search-index", held),),
                              produce=_producer(site, members, extra), failure=_failure, deferred=deferred))
    return planned


def _producer(site: Site, members: list[Article], manifest: dict[str, list[str]] | None) -> Callable[[], dict]:
    return lambda: index_files(site, members, manifest)


def index_files(site: Site, members: list[Article] | None = None,
                manifest: dict[str, list[str]] | None = None) -> dict[str, bytes]:
    """Run the indexer over some articles' records (all when `members` is None); the files the browser
    needs, by path inside the part's folder. The first part (with `manifest`) also gets the script and
    the list of parts; the others only their index and fragments."""
    chosen = members if members is not None else [a for a in site.articles if not a.meta.draft]
    produced = _run_pagefind([_record(site, a) for a in chosen], language(site))
    if manifest is not None:
        files = {rel: data for rel, data in produced.items() if rel not in UNUSED}
        files[PARTS_FILE] = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode("utf-8")
    else:
        files = {rel: data for rel, data in produced.items()
                 if rel == "pagefind-entry.json" or rel.endswith(".pf_meta") or rel.startswith(PART_FOLDERS)}
    return dict(sorted(files.items()))


SCRIPT = "static/search/search.js"


def script_findings(site: Site, site_dir: Path) -> list[Diagnostic]:
    """A hub's own copy of the theme's search script that does not merge the index's parts (copied before
    parts existed): its search page would find only the articles of the first part."""
    count = len(parts(site))
    path = site_dir / SCRIPT
    if count < 2 or not path.is_file():
        return []
    try:
        text = read_site_file(site_dir, path).decode("utf-8", errors="replace")
    except (OutsideHub, OSError):
        return []   # a link out of the hub or an unreadable file: reported where static files are read
    if PARTS_FILE in text:
        return []
    return [finding("search-script-parts", SCRIPT, 1, 1,
                    f"this copy of the theme's search script searches only the first of the search index's "
                    f"{count} parts (a language with more than {PART_RECORDS:,} articles is indexed in parts), "
                    "so readers would not find most articles",
                    "copy the theme's script again with `haven theme copy static/search/search.js` and redo "
                    "your changes in the new copy, or delete this copy to use the theme's")]


def _failure(exc: Exception) -> Diagnostic:
    return finding("search-index", "site.yaml", 0, 0,
                   f"the search index was not built ({type(exc).__name__}: {exc})",
                   "install the indexer with `pip install 'pagefind[bin]'` (a dependency of Haven) "
                   "and build again; the rest of the site was written, and the last index stays")


def _run_pagefind(rows: list[Record], lang: str) -> dict[str, bytes]:
    """Index `rows` with Pagefind's indexer (a local subprocess) and return its files by path.

    Talks to `pagefind --service` directly (base64 JSON messages separated by commas, the protocol
    the `pagefind` Python package uses) rather than through that package's asyncio client, which
    waits 0.1 s per message (minutes for a large hub) and can close the indexer while it is
    still writing files. The files come back in memory; nothing is written here.
    """
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None or not Path(executable).is_file():
        raise FileNotFoundError("the Pagefind indexer (package pagefind_bin) is not installed")
    with _Service(str(executable)) as service:
        config = {"force_language": lang} if lang else {}
        index_id = service.call({"type": "NewIndex", "config": config})["index_id"]
        # No Pagefind filters: Pagefind 1.5 writes filter files in a varying order, which would
        # break byte-identical rebuilds; the search page shows topics from metadata instead.
        service.call_many([{"type": "AddRecord", "index_id": index_id, "url": row.url, "content": row.content,
                            "language": lang or row.language, "meta": dict(row.meta), "filters": None,
                            "sort": None}
                           for row in rows])
        files = service.call({"type": "GetFiles", "index_id": index_id})["files"]
    return {f["path"]: base64.b64decode(f["content"]) for f in files}


class _Service:
    """A minimal synchronous client for `pagefind --service`."""

    TIMEOUT = 600.0

    def __init__(self, executable: str):
        self.process = subprocess.Popen([executable, "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.buffer = bytearray()
        self.scanned = 0
        self.last_id = 0

    def __enter__(self) -> _Service:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.process.stdin:
                self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()

    def _encode(self, payload: dict) -> bytes:
        self.last_id += 1
        return base64.b64encode(json.dumps({"message_id": self.last_id, "payload": payload}).encode("utf-8")) + b","

    def _receive(self) -> dict:
        assert self.process.stdout is not None
        while True:
            comma = self.buffer.find(b",", self.scanned)
            if comma >= 0:
                message = bytes(self.buffer[:comma])
                del self.buffer[: comma + 1]
                self.scanned = 0
                payload = json.loads(base64.b64decode(message))["payload"]
                if payload.get("type") == "Error":
                    raise RuntimeError(f"Pagefind: {payload.get('message')}")
                return payload
            self.scanned = len(self.buffer)
            chunk = cast(BufferedReader, self.process.stdout).read1(1 << 20)   # what is there, without waiting for more
            if not chunk:
                raise RuntimeError("the Pagefind indexer stopped unexpectedly")
            self.buffer += chunk

    def call(self, payload: dict) -> dict:
        """Send one request and wait for its answer."""
        assert self.process.stdin is not None
        self.process.stdin.write(self._encode(payload))
        self.process.stdin.flush()
        return self._receive()

    def call_many(self, payloads: list[dict]) -> list[dict]:
        """Send many requests at once (written from a thread, so neither pipe can fill up and block)."""
        messages = [self._encode(p) for p in payloads]
        failure: list[BaseException] = []

        def write() -> None:
            try:
                assert self.process.stdin is not None
                for message in messages:
                    self.process.stdin.write(message)
                self.process.stdin.flush()
            except BaseException as exc:  # noqa: BLE001 - reported below
                failure.append(exc)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        try:
            answers = [self._receive() for _ in messages]
        finally:
            writer.join(timeout=self.TIMEOUT)
        if failure:
            raise failure[0]
        return answers
