"""`haven new`: a ready-to-edit article with today's date and a unique slug."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from generator.authors import load_authors
from generator.checks.per_file import PLACEHOLDER_OPENING, PLACEHOLDER_SUMMARY
from generator.config import load_config
from generator.confine import walk_tree
from generator.confine.hub import OutsideHub, resolve_in_hub
from generator.diagnostics import did_you_mean
from generator.discover import default_slug, is_markdown_name
from generator.slugs import SLUG, slug_from

TEMPLATE = """---
title: {title}
summary: {placeholder_summary}
author: {author}
date: {today}
topics: [{topics}]
# previous: slug-of-the-article-before-this-one
# next: slug-of-the-article-after-this-one
# content_note: Say plainly what difficult subjects the article discusses, if any.
---
{placeholder_opening}

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
    if any(ord(c) < 32 or c in "\x7f\u2028\u2029" for c in title.strip()):
        return _fail("the title has a line break or a control character - write it on one line")
    author, problem = _pick_author(author, config.default_author, authors)
    if problem:
        return _fail(problem)
    for topic in topics:
        if topic not in config.topics:
            hint = did_you_mean(topic, config.topics) or f"known topics: {', '.join(sorted(config.topics))}"
            return _fail(f"unknown topic '{topic}' - {hint}")
    explicit = slug is not None
    if explicit and not SLUG.match(slug or ""):
        return _fail(f"'{slug}' is not a valid slug - use lowercase letters, digits and hyphens, "
                     f"e.g. --slug {slug_from(slug or '') or 'coping-with-loneliness'}")
    slug = slug or slug_from(title)
    if not slug:
        return _fail(f"the title '{title.strip()}' has no letters or digits to make an address from - "
                     "pass one with --slug, e.g. --slug coping-with-loneliness")
    folder = site_dir / "articles"
    try:   # a hub's articles/ may be a link out of it: never write a file there
        resolve_in_hub(site_dir, "articles")
    except OutsideHub as exc:
        print(exc.diagnostic.format(), file=sys.stderr)
        return 1
    taken = ({default_slug(name) for _, _, names in walk_tree(folder) for name in names if is_markdown_name(name)}
             if folder.is_dir() else set())
    if slug in taken:
        if explicit:
            return _fail(f"an article with the slug '{slug}' already exists - choose another --slug; "
                         "haven never overwrites")
        n = 2
        while f"{slug}-{n}" in taken:
            n += 1
        slug = f"{slug}-{n}"
    target = folder / f"{slug}.md"
    folder.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.format(title=_yaml_text(title.strip()), author=author, today=date.today().isoformat(),
                           topics=", ".join(topics), placeholder_summary=PLACEHOLDER_SUMMARY,
                           placeholder_opening=PLACEHOLDER_OPENING)
    try:
        with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        return _fail(f"{target} already exists - haven never overwrites; choose another --slug")
    print(f"haven: wrote {target.relative_to(site_dir) if target.is_relative_to(site_dir) else target}")
    return 0


def _pick_author(given: str | None, default: str, authors: dict) -> tuple[str, str]:
    """The author `haven new` writes (--author, else site.yaml's default_author, else the only author),
    or a message saying what to do."""
    known = ", ".join(sorted(authors)) or "none yet"
    author = given or default or (next(iter(authors)) if len(authors) == 1 else "")
    if not author:
        if not authors:
            return "", ("data/authors.yaml names no author - add one (an id with a name and bio), "
                        "then pass --author ID")
        return "", (f"data/authors.yaml has several authors ({known}) - pass --author ID, or set "
                    "`default_author: ID` in site.yaml")
    if author not in authors:
        where = "--author" if given else "default_author in site.yaml"
        hint = did_you_mean(author, authors) or f"known authors: {known}"
        return "", f"unknown author '{author}' ({where}) - {hint}"
    return author, ""


def _yaml_text(text: str) -> str:
    """The title as YAML reads it back unchanged: plain when it is, else a quoted string (so `null`,
    `yes`, `2026-01-01` or `a: b` stay the title the writer typed)."""
    import json

    import yaml

    try:
        plain_ok = yaml.safe_load(f"title: {text}") == {"title": text}
    except yaml.YAMLError:
        plain_ok = False
    return text if plain_ok and not text.startswith(("'", '"')) else json.dumps(text, ensure_ascii=False)


def _fail(message: str) -> int:
    print(f"haven: error: {message}", file=sys.stderr)
    return 2
