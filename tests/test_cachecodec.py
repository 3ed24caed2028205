"""The cache's codec: what Haven writes reads back equal, and anything else is refused, never run."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from generator.cachecodec import CacheDamaged
from generator.cacherecords import ENTRIES, CacheEntry, Stamp, codec, decode_memo, encode_memo
from generator.discover import ParseSettings
from generator.model import FrontMatter, LinkRef
from tests.sitekit import article, make_site, snapshot


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    """Real parsed files of a fixture hub: front matter with dates, references, citations, links."""
    from generator.parse import parse_bytes

    site = make_site(tmp_path_factory.mktemp("codec") / "hub", {
        "cited.md": article("Cited", extra="""
            updated: 2026-02-01
            references:
              - {id: doe2020, type: book, title: A Book, author: [{family: Doe, given: Jo}], issued: {date-parts: [[2020]]}}
            extra: {mood: calm, 3: three, when: 2026-01-01 10:30:00, nested: [[1, 2], {a: [b]}]}
            """, body="Text [@doe2020, p. 3].\n\n## Part\n\n[a link](https://example.org/) ![pic](/static/x.png)\n"),
    })
    settings = ParseSettings("/", 8.0)
    return [parse_bytes(f"articles/{p.name}", "article", p.read_bytes(), settings)
            for p in sorted((site / "articles").glob("*.md"))]


def test_parsed_files_read_back_equal(parsed):
    entries = {p.path: CacheEntry(1, 2, p) for p in parsed}
    back = codec().loads(codec().dumps(entries, ENTRIES), ENTRIES)
    assert back == entries
    meta = back["articles/cited.md"].parsed.meta
    assert isinstance(meta, FrontMatter) and meta.updated == date(2026, 2, 1)
    assert meta.extra["nested"] == [[1, 2], {"a": ["b"]}]
    assert back["articles/cited.md"].parsed.clusters and back["articles/cited.md"].parsed.links


def test_memo_and_stamp_read_back_equal(parsed):
    from generator.citations import RenderedEntry, render_citations
    from generator.diagnostics import warning

    source = parsed[0]
    memo = {"cite:x": render_citations(source.clusters, {r["id"]: r for r in source.meta.references}),
            "cited-works:y": (RenderedEntry("k", "<i>A</i>", "A", (1, 2)),)}
    assert values(decode_memo(json.loads(json.dumps(encode_memo(memo))))) == memo
    plain = {"n": (1, "a"), "when": date(2026, 1, 2)}
    assert codec().loads(codec().dumps(plain, dict[str, Any]), dict[str, Any]) == plain
    stamp = Stamp("in", (1, 2), 3, [warning("c", "a.md", 1, 2, "m", "h")], [], "state", ["index.html"])
    assert codec().loads(codec().dumps({"/out": stamp}, dict[str, Stamp]), dict[str, Stamp]) == {"/out": stamp}


@pytest.mark.parametrize("doctored", [
    b"cos\nsystem\n(S'touch /tmp/haven-pwned'\ntR.",                       # a pickle
    b'{"a": [1, 2, 3, 4]}',                                                  # a record of the wrong length
    b'{"a": [1, 2, ["x", "article", "d", null, 1, "", [], "abc", [], [], 0, [], false, null, ""]]}',  # anchors as text
    b'{"a": [1, 2, {"\\u0000R": ["Popen", "ls"]}]}',                         # a tag naming another class
    b'{"a": [1, "2", null]}',                                                # a size that is text
    b'{"a": [1, 2, null]',                                                   # truncated
    b"[" * 5000 + b"]" * 5000,                                               # nested past any limit
    b"\xff\xfe",
])
def test_anything_else_is_refused(doctored):
    with pytest.raises(CacheDamaged):
        codec().loads(doctored, ENTRIES)


def test_a_tagged_value_names_only_known_records():
    bad = json.dumps({"\u0000": {"x": {"\u0000R": ["OSError", 1]}}}).encode()
    with pytest.raises(CacheDamaged):
        codec().loads(bad, dict[str, Any])
    good = codec().dumps({"x": LinkRef("u", 1, 2)}, dict[str, Any])
    assert codec().loads(good, dict[str, Any]) == {"x": LinkRef("u", 1, 2)}


def values(cells: dict) -> dict:
    """Each cell of a memo shard read back, asked for its value."""
    return {key: cell() for key, cell in cells.items()}


def test_memo_values_are_written_and_read_only_as_the_kind_their_key_says(parsed):
    from generator.citations import render_citations

    rendered = render_citations(parsed[0].clusters, {})
    memo = {"cite:a": rendered, "cite:b": {"clusters": ["<script>"]}, "cited-works:c": rendered, "other": rendered,
            "cited-works:d": tuple(rendered.entries)}
    written = encode_memo(memo)
    assert values(decode_memo(json.loads(json.dumps(written)))) == {"cite:a": rendered,
                                                                    "cited-works:d": tuple(rendered.entries)}
    # a doctored shard: a key of no kind, a value that is not text, not a mapping
    for doctored in ({**written, "other": written["cite:a"]}, {"cite:a": json.loads(written["cite:a"])},
                     {"cite:a": 1}, []):
        with pytest.raises(CacheDamaged):
            decode_memo(json.loads(json.dumps(doctored)))
    # a doctored value: another kind's, a tag naming another class, a list where a record goes, not JSON. It is
    # checked when first asked for, and then made again (or, with no way to make it, refused): never trusted
    for key, text in (("cite:a", written["cited-works:d"]), ("cite:a", '{"\\u0000": {"\\u0000R": ["Popen", "ls"]}}'),
                      ("cited-works:d", json.dumps([json.loads(written["cite:a"])])), ("cite:a", '["<scr')):
        cell = decode_memo({key: text})[key]
        with pytest.raises(CacheDamaged):
            cell()
        cell = decode_memo({key: text})[key]
        assert cell.or_make(lambda: "made again")() == "made again"
        assert cell.text() is None and encode_memo({key: cell}) == {}   # written back as what it is now, or not


def test_a_memo_cell_never_asked_for_is_written_back_as_the_text_it_was_read_from(parsed):
    from generator.citations import render_citations

    made: list[int] = []
    rendered = render_citations(parsed[0].clusters, {})
    written = encode_memo({"cite:a": rendered})
    cell = decode_memo(written)["cite:a"].or_make(lambda: made.append(1))
    assert encode_memo({"cite:a": cell}) == written and cell.text() == written["cite:a"] and not made
    assert cell() == rendered and cell.text() is None and encode_memo({"cite:a": cell}) == written and not made


def test_a_doctored_body_in_the_cache_cannot_put_code_on_a_page(tmp_path, capsys):
    # the cache holds each body's sanitized HTML; a pull request that can write the CI's cache could swap
    # one for HTML the sanitizer never saw: the check of every rendered page refuses what it would run
    from generator.cli import main

    site = make_site(tmp_path / "hub")
    assert main(["build", "--site", str(site)]) == 0
    bodies = sorted((site / ".haven-cache").rglob("*.html"))
    assert bodies
    for body in bodies:
        body.write_text(body.read_text() + '<p><img src="/static/x.png" alt="" onerror="alert(1)"></p>\n')
    capsys.readouterr()
    code = main(["build", "--site", str(site), "--out", str(tmp_path / "fresh")])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err, err
    hit = next(line for line in err.splitlines() if ": error: " in line)
    # named with the article whose body it claims to be, not the template that shows bodies
    assert hit.startswith("articles/") and ".md: error: <img> onerror on the page /" in hit, hit
    assert "[inline-script]" in hit and "delete that folder and build again" in hit
    assert not (tmp_path / "fresh" / "index.html").exists()


def test_a_doctored_body_in_the_cache_cannot_reach_a_feed_whose_page_is_not_rendered_again(tmp_path, capsys):
    # a feed carries whole bodies: when another article's edit renders the feed again but not the doctored
    # article's own page (its inputs did not change), the feed's entries are checked as pages are
    from generator.cli import main

    site = make_site(tmp_path / "hub", {"a.md": article("A"), "b.md": article("B")})
    assert main(["build", "--site", str(site)]) == 0
    for body in sorted((site / ".haven-cache").rglob("*.html")):
        body.write_text(body.read_text() + '<p><img src="https://tracker.example/p.gif" alt=""></p>\n')
    (site / "articles" / "b.md").write_text(article("B", body="A new paragraph for B.\n"))
    before = snapshot(site / "output")
    capsys.readouterr()
    code = main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err, err
    hit = next(line for line in err.splitlines() if ": error: " in line)
    assert hit.startswith("articles/a.md: error: <img> src on the page /feed.xml 'https://tracker.example/p.gif'"), hit
    assert "delete that folder and build again" in hit and "[remote-resource]" in hit
    assert snapshot(site / "output") == before


@pytest.mark.parametrize("digest", ["../../../outside/secret", "/etc/hostname", "0" * 31, "0" * 32 + "/x",
                                    "0" * 32 + "\n", "ABCDEF" + "0" * 26])
def test_a_cached_body_is_read_only_under_a_content_hash_name(digest):
    # the cache's records name their body by content hash; a doctored one must not name a path
    from generator.confine.cache import body_file_name

    assert body_file_name("0123456789abcdef" * 2) == "0123456789abcdef0123456789abcdef.html"
    with pytest.raises(OSError):
        body_file_name(digest)
