"""`haven new`: a ready-to-edit article with today's date and a unique slug."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from generator.authors import load_authors
from generator.config import load_config
from generator.confine.hub import OutsideHub, resolve_in_hub
from generator.diagnostics import did_you_mean
from generator.frontmatter import SLUG, slugify

TEMPLATE = """---
title: {title}
summary: One or two sentences that tell a reader what this article gives them.
author: {author}
date: {today}
topics: [{topics}]
# previous: slug-of-the-article-before-this-one
# next: slug-of-the-article-after-this-one
# content_note: Say plainly what difficult subjects the article discusses, if any.
---
Start with what the reader needs most, in plain words.

## A first section

Write short paragraphs. Cite sources as `[@key]`, with keys from data/references.yaml.
"""


def new_article(site_dir: Path, title: str, author: str | None, topics: list[str], slug: str | None) -> int:
    """Write articles/<slug>.md; refuse to overwrite; exit status as the CLI returns it."""
    config, findings = load_config(site_dir)
    if config is None:
        for f in findings:
            print(f.format(), file=sys.stderr)
        return 1
    authors, _findings, _digest = load_authors(site_dir)
    if not title.strip():
        return _fail("the title is empty - pass a title, e.g. haven new \"Coping with loneliness\"")
    if author is None:
        author = "editorial-team" if "editorial-team" in authors else (next(iter(authors), "") or "editorial-team")
    if authors and author not in authors:
        hint = did_you_mean(author, authors) or f"known authors: {', '.join(sorted(authors))}"
        return _fail(f"unknown author '{author}' - {hint}")
    for topic in topics:
        if topic not in config.topics:
            hint = did_you_mean(topic, config.topics) or f"known topics: {', '.join(sorted(config.topics))}"
            return _fail(f"unknown topic '{topic}' - {hint}")
    explicit = slug is not None
    slug = slug or slugify(title)
    if not SLUG.match(slug or ""):
        return _fail(f"'{slug}' is not a valid slug - use lowercase letters, digits and hyphens")
    folder = site_dir / "articles"
    try:   # a hub's articles/ may be a link out of it: never write a file there
        resolve_in_hub(site_dir, "articles")
    except OutsideHub as exc:
        print(exc.diagnostic.format(), file=sys.stderr)
        return 1
    taken = {p.stem for p in folder.rglob("*.md")} if folder.is_dir() else set()
    if slug in taken:
        if explicit:
            return _fail(f"articles/{slug}.md already exists - choose another --slug; haven never overwrites")
        n = 2
        while f"{slug}-{n}" in taken:
            n += 1
        slug = f"{slug}-{n}"
    target = folder / f"{slug}.md"
    folder.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.format(title=_yaml_text(title.strip()), author=author, today=date.today().isoformat(),
                           topics=", ".join(topics))
    try:
        with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        return _fail(f"{target} already exists - haven never overwrites; choose another --slug")
    print(f"haven: wrote {target.relative_to(site_dir) if target.is_relative_to(site_dir) else target}")
    return 0


def _yaml_text(text: str) -> str:
    """Quote a title when YAML would misread it."""
    import json

    needs_quotes = any(c in text for c in ":#[]{},&*!|>'\"%@`") or text[0] in "-?"
    return json.dumps(text, ensure_ascii=False) if needs_quotes else text


def _fail(message: str) -> int:
    print(f"haven: error: {message}", file=sys.stderr)
    return 2
