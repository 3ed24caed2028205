"""data/authors.yaml -> Author records, checked at the boundary."""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import Diagnostic, error
from generator.model import Author
from generator.yamlload import decode_utf8, load_yaml, top_level_lines

AUTHORS_FILE = "data/authors.yaml"


def load_authors(site_dir: Path) -> tuple[dict[str, Author], list[Diagnostic], str]:
    """Read the authors file; returns (authors by id, findings, fingerprint of the file)."""
    import hashlib

    path = site_dir / AUTHORS_FILE
    if not path.exists():
        return {}, [], ""
    raw = path.read_bytes()
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    text, findings = decode_utf8(raw, AUTHORS_FILE)
    if text is None:
        return {}, findings, digest
    data, findings = load_yaml(text, AUTHORS_FILE)
    if findings:
        return {}, findings, digest
    if data is None:
        return {}, [], digest
    if not isinstance(data, dict):
        return {}, [error("authors-not-mapping", AUTHORS_FILE, 1, 1, "authors.yaml must map author ids to details",
                          "write `editorial-team:` then indented `name: ...`, `credentials: ...`, `bio: ...`")], digest
    lines = top_level_lines(text)
    authors: dict[str, Author] = {}
    out: list[Diagnostic] = []
    for aid, spec in data.items():
        aid = str(aid)
        line = lines.get(aid, 1)
        if isinstance(spec, str):
            spec = {"name": spec}
        if not isinstance(spec, dict) or not spec.get("name"):
            out.append(error("bad-author", AUTHORS_FILE, line, 1, f"author '{aid}' needs a name",
                             f"write `{aid}:` then an indented line `name: Full Name`"))
            continue
        links = []
        for link in spec.get("links") or []:
            if isinstance(link, dict) and link.get("url"):
                links.append((str(link.get("title") or link["url"]), str(link["url"])))
            else:
                out.append(error("bad-author-link", AUTHORS_FILE, line, 1, f"a link of author '{aid}' has no url",
                                 "write links as `- {title: Website, url: https://...}`"))
        authors[aid] = Author(aid, str(spec["name"]), str(spec.get("credentials") or ""),
                              str(spec.get("bio") or ""), tuple(links), line)
    return authors, out, digest
