"""The search index: Pagefind, run locally as part of the build (no network, ever).

Each published article becomes one Pagefind record built from the site model: its URL, its
plain-text body (with title and summary), and metadata the search page shows (title, summary,
topics). Building from the model rather than the HTML means the index holds only articles (never
navigation, the crisis box or footers) whatever the templates look like, and that we know exactly
what the index depends on:

- the index is one planned output, a `Bundle` (see outputs.py), whose input is a fingerprint of
  every record: it is rebuilt only when what it holds changed, or when its files are missing;
- Pagefind hands its files back in memory; the one writer writes them into `pagefind/` under the
  one output record, only those whose bytes changed, and removes files it no longer produces;
- `haven serve` passes search_index=False: the bundle is deferred, so the preview never waits for
  indexing (the search page says so when no index is there) and an index made earlier stays.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import threading
from dataclasses import dataclass
from html import unescape
from io import BufferedReader
from pathlib import Path
from typing import cast

from generator import __version__
from generator.checks.policy import finding
from generator.diagnostics import Diagnostic
from generator.model import Article, Site
from generator.outputs import Bundle, fingerprint

FOLDER = "pagefind"
# What the browser needs for the JavaScript API; Pagefind's own UI bundles are left out.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
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


def index_fingerprint(site: Site) -> str:
    """What the index holds: every record's inputs, the language and the Pagefind version."""
    rows = [(a.url, a.parsed.digest, getattr(a, "citations_fingerprint", ""), [(r.key, r.html) for r in a.references],
             a.meta.title, a.meta.summary, a.meta.date, a.lang,
             tuple(site.config.language_of(a.lang).topics[t].title for t in a.meta.topics if t in site.topics))
            for a in site.articles if not a.meta.draft]
    return fingerprint(__version__, pagefind_version(), language(site), site.config.base_path, rows)


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


def bundle(site: Site, deferred: bool = False) -> Bundle:
    """The search index as a planned bundle of files under pagefind/.

    Its one input is what the index holds, so it is remade only when that changed (or its files are
    missing); a deferred bundle (the preview server) is not made and keeps the files made last.
    """
    return Bundle(FOLDER, (("search-index", index_fingerprint(site)),),
                  produce=lambda: index_files(site), failure=_failure, deferred=deferred)


def index_files(site: Site) -> dict[str, bytes]:
    """Run the indexer over the site's records; the files the browser needs, by path inside pagefind/."""
    produced = _run_pagefind(records(site), language(site))
    return {rel: data for rel, data in sorted(produced.items()) if rel not in UNUSED}


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
