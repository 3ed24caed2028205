"""data/authors.yaml -> Author records, checked at the boundary."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from generator.checks.policy import finding
from generator.confine.hub import DATA_FILE_LIMIT, OutsideHub, read_hub_bytes
from generator.diagnostics import Diagnostic
from generator.fields import Field, Reader, described, unknown_keys
from generator.model import Author
from generator.urlpolicy import checked
from generator.yamlload import decode_utf8, load_document

# An author's id is the last folder of their page's address, /authors/<id>/: a plain name
AUTHOR_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?\Z")

AUTHORS_FILE = "data/authors.yaml"

# What an author entry may hold, declared once.
AUTHOR_FIELDS = (
    Field("name", "text", "the name shown on articles", "Alex Example"),
    Field("credentials", "text", "qualifications, shown after the name", "MSc, accredited counsellor"),
    Field("bio", "text", "a short paragraph for the author page"),
    Field("links", "list", "links to show on the author page", "[{title: Website, url: https://...}]"),
)


def load_authors(site_dir: Path) -> tuple[dict[str, Author], list[Diagnostic], str]:
    """Read the authors file; returns (authors by id, findings, fingerprint of the file)."""
    try:
        raw = read_hub_bytes(site_dir, AUTHORS_FILE, DATA_FILE_LIMIT)   # never through a link out of the hub
    except OutsideHub as exc:
        return {}, [exc.diagnostic], ""
    except FileNotFoundError:
        return {}, [], ""
    except OSError as exc:
        return {}, [finding("authors-unreadable", AUTHORS_FILE, 0, 0, f"cannot read the authors file: {exc.strerror}",
                            "make data/authors.yaml a readable file")], ""
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    text, findings = decode_utf8(raw, AUTHORS_FILE)
    if text is None:
        return {}, findings, digest
    doc, findings = load_document(text, AUTHORS_FILE)
    if doc is None or doc.data is None:
        return {}, findings, digest
    if not isinstance(doc.data, dict):
        return {}, findings + [finding("authors-not-mapping", AUTHORS_FILE, 1, 1,
                                       f"authors.yaml must map author ids to details, not {described(doc.data)}",
                                       "write `editorial-team:` then indented `name: ...`, `credentials: ...`, "
                                       "`bio: ...`")], digest
    read = Reader(doc, AUTHORS_FILE)
    authors: dict[str, Author] = {}
    known = [f.name for f in AUTHOR_FIELDS]
    for aid, spec in doc.data.items():
        line, col = doc.key_at(aid)
        if not isinstance(aid, str) or not AUTHOR_ID.match(aid):   # it becomes the folder of /authors/<id>/
            read.out.append(finding("bad-author", AUTHORS_FILE, line, col,
                                    f"author id '{str(aid)[:40]}' is not letters, digits, '.', '_' and '-' (up to 100)",
                                    "rename it, e.g. 'alex-example', and the `author:` lines that name it"))
        if isinstance(spec, dict):
            findings += unknown_keys(doc, (aid,), known, AUTHORS_FILE, "unknown-author-field", "author field",
                                     f"an author takes {', '.join(known)}")
            name = read.text(aid, "name")
            if not name and not isinstance(spec.get("name"), (list, dict)):  # (a list was reported as one)
                read.out.append(finding("bad-author", AUTHORS_FILE, line, col, f"author '{aid}' needs a name",
                                        f"write `{aid}:` then an indented line `name: Full Name`"))
            # a broken entry still counts as an author (its error fails the build), so that articles naming
            # it do not add "unknown author" findings to the one real problem
            name = name or aid
            credentials, bio = read.text(aid, "credentials"), read.text(aid, "bio")
            links = _links(read, aid)
        elif isinstance(spec, (list, type(None))):
            read.out.append(finding("bad-author", AUTHORS_FILE, line, col,
                                    f"author '{aid}' needs a name, not {described(spec)}",
                                    f"write `{aid}:` then an indented line `name: Full Name`"))
            continue
        else:  # `alex: Alex Example`, a name alone
            name, credentials, bio, links = read.text(aid), "", "", ()
        authors[aid] = Author(aid, name, credentials, bio, links, line)
    return authors, findings + read.out, digest


def _links(read: Reader, aid: str) -> tuple[tuple[str, str], ...]:
    links = []
    for index, link in enumerate(read.items(aid, "links", example="[{title: Website, url: https://...}]")):
        line, col = read.doc.at(aid, "links", index)
        if isinstance(link, dict):
            url = read.text(aid, "links", index, "url")
            title = read.text(aid, "links", index, "title")
            if url:   # the URL policy (generator.urlpolicy): a refused address is reported and left out
                if checked(url, AUTHORS_FILE, *read.doc.at(aid, "links", index, "url"),
                           f"the link of author '{aid}'", read.out):
                    links.append((title or url, url))
                continue
        read.out.append(finding("bad-author-link", AUTHORS_FILE, line, col, f"a link of author '{aid}' has no url",
                                "write links as `- {title: Website, url: https://...}`"))
    return tuple(links)
