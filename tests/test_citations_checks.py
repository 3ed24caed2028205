"""Citation integrity findings: what a writer is told, and where."""

from __future__ import annotations

import pytest

from generator.checks.citations import check_article_citations, check_bibliography, check_own_references
from generator.checks.reference_fields import reference_url_problem
from generator.citations import CiteItem, Cluster
from generator.diagnostics import Diagnostic

PATH = "articles/empathy.md"

ROGERS = {"id": "rogers1957", "type": "article-journal", "author": [{"family": "Rogers", "given": "Carl R."}],
          "issued": {"date-parts": [[1957]]}, "title": "The necessary and sufficient conditions",
          "container-title": "Journal of Consulting Psychology", "volume": 21, "DOI": "10.1037/h0045357"}
DERKSEN = {"id": "derksen2013", "type": "article-journal", "author": [{"family": "Derksen", "given": "Frans"}],
           "title": "Effectiveness of empathy", "issued": {"date-parts": [[2013]]}}
SHARED = {"rogers1957": (ROGERS, "data/references.yaml", 40), "derksen2013": (DERKSEN, "data/references.yaml", 12)}


def cluster(*keys: str, line: int = 1, col: int = 1) -> Cluster:
    return Cluster(tuple(CiteItem(k) for k in keys), False, line, col)


def codes(findings: list[Diagnostic]) -> list[tuple[str, str, int, int]]:
    return [(d.severity, d.code, d.line, d.col) for d in findings]


# --------------------------------------------------------------------------- article citations


def test_clean_article_has_no_findings():
    own = [({**DERKSEN, "id": "own2020", "title": "Own"}, 9)]
    findings = check_article_citations(PATH, 20, [cluster("rogers1957", "own2020")], own, SHARED)
    assert findings == []


def test_unknown_key_points_at_the_cluster_in_the_file_and_suggests_a_key():
    findings = check_article_citations(PATH, 14, [cluster("rogers1957"), cluster("rogres1957", line=5, col=22)],
                                       [], SHARED)
    assert findings == [Diagnostic(
        PATH, 18, 22, "error", "unknown-citation", "unknown citation key '@rogres1957'",
        "did you mean 'rogers1957'?")]
    assert findings[0].format() == (
        "articles/empathy.md:18:22: error: unknown citation key '@rogres1957' - did you mean 'rogers1957'? "
        "[unknown-citation]")


def test_unknown_key_without_a_near_match_says_where_to_add_it():
    (finding,) = check_article_citations(PATH, 1, [cluster("zzz")], [], SHARED)
    assert finding.hint == "add an entry with `id: zzz` to the article's `references:` or to data/references.yaml"


def test_unknown_key_reported_once_per_cluster_but_for_every_cluster():
    findings = check_article_citations(PATH, 10, [cluster("x", "x", line=1), cluster("x", line=3)], [], SHARED)
    assert codes(findings) == [("error", "unknown-citation", 10, 1), ("error", "unknown-citation", 12, 1)]


def test_uncited_own_reference_is_a_warning_but_uncited_shared_ones_are_fine():
    own = [({**DERKSEN, "id": "own2020", "title": "Own"}, 7)]
    findings = check_article_citations(PATH, 20, [cluster("rogers1957")], own, SHARED)
    assert findings == [Diagnostic(
        PATH, 7, 1, "warning", "uncited-reference", "reference 'own2020' is never cited in this article",
        "cite it in the text as [@own2020], or remove it from `references:`")]


def test_own_copy_identical_to_the_shared_entry_is_fine():
    # YAML may read `volume: 21` as a number where JSON had "21": same meaning
    copy = {**ROGERS, "volume": "21"}
    assert check_article_citations(PATH, 20, [cluster("rogers1957")], [(copy, 5)], SHARED) == []


def test_own_copy_differing_from_the_shared_entry_names_both_places():
    copy = {**ROGERS, "issued": {"date-parts": [[1958]]}}
    (finding,) = check_article_citations(PATH, 20, [cluster("rogers1957")], [(copy, 5)], SHARED)
    assert (finding.severity, finding.code, finding.line) == ("error", "conflicting-reference", 5)
    assert finding.message == ("reference 'rogers1957' at articles/empathy.md:5 differs from the entry with the "
                               "same id at data/references.yaml:40")
    assert finding.hint == "delete this copy to use the shared entry, or give it a different id"


def test_article_references_are_checked_as_a_list_too():
    own = [({"id": "a", "type": "book", "title": "A", "author": [{"family": "X"}]}, 3),
           ({"id": "a", "type": "book", "title": "B", "author": [{"family": "Y"}]}, 9)]
    findings = check_article_citations(PATH, 20, [cluster("a")], own, {})
    assert codes(findings) == [("error", "duplicate-reference", 9, 1)]


def test_own_references_can_be_checked_apart_and_skipped_later():
    # The pipeline caches the per-file half with the file; both halves together are the whole check.
    own = [({"id": "a", "type": "book", "title": "A", "author": [{"family": "X"}]}, 3),
           ({"id": "a", "type": "bok", "title": "B", "author": [{"family": "Y"}]}, 9),
           ({**ROGERS, "title": "Changed"}, 12), ({**DERKSEN, "id": "unused"}, 15)]
    clusters = [cluster("a"), cluster("rogers1957", "nobody", line=2, col=5)]
    whole = check_article_citations(PATH, 20, clusters, own, SHARED)
    per_file = check_own_references(PATH, own)
    rest = check_article_citations(PATH, 20, clusters, own, SHARED, check_entries=False)
    assert per_file == check_bibliography(PATH, own)
    assert codes(per_file) == [("warning", "unknown-reference-type", 9, 1), ("error", "duplicate-reference", 9, 1)]
    assert codes(rest) == [("error", "unknown-citation", 21, 5), ("error", "conflicting-reference", 12, 1),
                           ("warning", "uncited-reference", 15, 1)]
    assert per_file + rest == whole


# --------------------------------------------------------------------------- bibliography lists


def test_what_pandoc_renders_haven_renders_with_warnings_only_an_id_is_required():
    # No author or editor (the title moves to the author's place, APA 9.12), no title ([Untitled]),
    # no type (BibTeX's @misc, converted by pandoc): warnings at most. Only an id is needed to cite.
    findings = check_bibliography("data/references.yaml", [({"id": "x", "type": "book"}, 4),
                                                           ({"title": "Only a title"}, 9)])
    assert [(d.line, d.severity, d.code, d.message) for d in findings] == [
        (4, "warning", "untitled-reference", "reference 'x' has no title: it is listed as [Untitled]"),
        (9, "error", "incomplete-reference", "reference #2 has no id"),
        (9, "warning", "unknown-reference-type",
         "reference #2 has no type: it is shown as pandoc shows an untyped work"),
    ]


def test_an_empty_type_names_the_closest_csl_types():
    entry = {"id": "m", "type": "", "title": "T", "container-title": "J", "volume": "3", "author": ["Doe, J."]}
    (finding,) = check_bibliography("data/references.yaml", [(entry, 7)])
    assert (finding.severity, finding.code, finding.line) == ("warning", "unknown-reference-type", 7)
    assert finding.hint.startswith("write `type: article-journal` if that is what it is (other CSL types: ")
    # in a BibTeX file the hint is in BibTeX's words
    (finding,) = check_bibliography("data/references.bib", [(dict(entry, **{"container-title": ""}), 7)])
    assert finding.hint == ("give it an entry type such as @article, @book, @incollection or @online "
                            "(BibTeX's @misc has no CSL type)")
    (finding,) = check_bibliography("data/references.bib", [(entry, 7)])
    assert finding.hint == "if it is a journal article, write it as @article{...} (BibTeX's @misc has no CSL type)"


def test_a_field_the_entry_cannot_show_is_a_warning_not_silence():
    entry = {"id": "w", "type": "webpage", "title": "T", "author": ["Doe, J."], "volume": "3", "page": "5-9"}
    (finding,) = check_bibliography("data/references.yaml", [(entry, 2)])
    assert (finding.severity, finding.code) == ("warning", "unplaced-reference-field")
    assert finding.message == ("reference 'w' has `volume`, `page`, which its APA entry (type 'webpage') "
                               "has no place for")
    # a chapter that names no book keeps its editors, volume and pages: nothing to report
    chapter = {"id": "c", "type": "chapter", "title": "T", "author": ["Doe, J."], "editor": ["Ed, E."],
               "volume": "2", "page": "1-9", "publisher": "P"}
    assert check_bibliography("data/references.yaml", [(chapter, 2)]) == []


@pytest.mark.parametrize("field, value, words", [
    ("title", {"text": "A mapping"}, "is a set of fields, not text"),
    ("title", ["a", "list"], "is a list, not one line of text"),
    ("container-title", True, "is true or false, not text"),
    ("issued", "garbage", "is 'garbage', not a date Haven can read"),
    ("issued", {"date-parts": [[2020, 13]]}, "has `date-parts` that are not [[year, month, day]] numbers"),
    ("issued", {"date-parts": "2020"}, "has `date-parts` that are not [[year, month, day]] numbers"),
    ("issued", {"season": 1}, "is a set of fields without `date-parts`"),
    ("issued", [2020], "is a list, not a date"),
    ("accessed", "2020-02-31x", "is '2020-02-31x', not a date Haven can read"),
    ("author", [{"family": ["a", "b"]}], "has a name whose `family` is not text"),
    ("author", [42], "holds something that is neither a name nor `family:`/`given:` fields"),
    ("volume", {"n": 1}, "is a set of fields, not text"),
])
def test_fields_of_the_wrong_kind_are_errors_in_the_writers_words(field, value, words):
    entry = {"id": "t", "type": "book", "title": "T", "author": ["Doe, J."], field: value}
    findings = check_bibliography("data/references.yaml", [(entry, 3, {field: (5, 10)})])
    assert [(d.severity, d.code, d.line, d.col) for d in findings] == [("error", "reference-field-type", 5, 10)]
    assert findings[0].message == f"the `{field}` of reference 't' {words}"
    assert "Python" not in findings[0].message and "dict" not in findings[0].message


def test_crossref_extras_pandoc_ignores_are_ignored():
    # Crossref's CSL-JSON (Manubot, Zotero's DOI lookup) puts affiliations and ORCIDs in the names and
    # adds fields no style reads: pandoc renders such an item, so Haven does too.
    entry = {"id": "goh2017", "type": "article-journal", "title": "Deep learning for computational chemistry",
             "container-title": "Journal of Computational Chemistry", "volume": "38", "page": "1291-1307",
             "author": [{"given": "Garrett B.", "family": "Goh", "affiliation": [{"name": "PNNL"}],
                         "ORCID": "http://orcid.org/0000-0002-8858-0868", "authenticated-orcid": False}],
             "issued": {"date-parts": [[2017, 3, 8]]}, "score": 1.0, "prefix": None, "subject": ["Chemistry"],
             "link": [{"URL": "https://api.example/x"}]}
    assert check_bibliography("data/references.json", [(entry, 1)]) == []


@pytest.mark.parametrize("value", ["2020", "2020-03", "2020-03-14", "2020/2021", "in press", 2020,
                                   {"date-parts": [[2020, 3, 14]]}, {"date-parts": [["2020"]]},
                                   {"literal": "circa 1900"}, {"raw": "2019-05-01"}])
def test_dates_in_every_form_pandoc_and_zotero_write_are_accepted(value):
    entry = {"id": "t", "type": "book", "title": "T", "author": ["Doe, J."], "issued": value}
    assert check_bibliography("data/references.yaml", [(entry, 3)]) == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "java\nscript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:x", "file:///etc/passwd"])
def test_reference_urls_outside_the_policy_are_errors(url):
    url = url.replace("\\n", "\n")
    entry = {"id": "u", "type": "webpage", "title": "T", "author": ["Doe, J."], "URL": url}
    findings = check_bibliography("data/references.yaml", [(entry, 3, {"URL": (8, 8)})])
    assert [(d.severity, d.code, d.line, d.col) for d in findings] == [("error", "unsafe-reference-url", 8, 8)]


@pytest.mark.parametrize("url", ["https://example.org/x", "http://example.org", "mailto:a@example.org",
                                 "tel:+441234", "sms:+441234"])
def test_reference_urls_the_policy_allows_pass(url):
    entry = {"id": "u", "type": "webpage", "title": "T", "author": ["Doe, J."], "URL": url}
    assert [d.severity for d in check_bibliography("data/references.yaml", [(entry, 3)])] in ([], ["warning"])
    assert reference_url_problem(url) is None


def test_editor_or_group_author_is_enough():
    entries = [({"id": "e", "type": "book", "title": "T", "editor": [{"family": "Watt"}]}, 1),
               ({"id": "g", "type": "report", "title": "T", "author": [{"literal": "SAMHSA"}]}, 2)]
    assert check_bibliography("data/references.yaml", entries) == []


def test_entry_that_is_not_a_mapping():
    (finding,) = check_bibliography("data/references.yaml", [("just a string", 3)])  # a bare string
    assert (finding.code, finding.line, finding.message) == (
        "incomplete-reference", 3, "reference #1 is not a set of CSL fields")


def test_unknown_type_is_a_warning_with_a_suggestion():
    (finding,) = check_bibliography("refs.yaml", [({**ROGERS, "type": "journal-article"}, 2)])
    assert (finding.severity, finding.code) == ("warning", "unknown-reference-type")
    assert finding.message == "reference 'rogers1957' has the unknown CSL type 'journal-article'"
    assert finding.hint == "the CSL name is 'article-journal'"
    (finding,) = check_bibliography("refs.yaml", [({**ROGERS, "type": "boook"}, 2)])
    assert finding.hint == "did you mean 'book'?"
    (finding,) = check_bibliography("refs.yaml", [({**ROGERS, "type": "zzzz"}, 2)])
    assert finding.hint.startswith("use a CSL type such as article-journal, book, chapter")


def test_doi_written_as_a_link():
    (finding,) = check_bibliography("refs.yaml", [({**ROGERS, "DOI": "https://doi.org/10.1037/h0045357"}, 2)])
    assert (finding.severity, finding.code) == ("warning", "malformed-doi")
    assert finding.hint == "keep only the 10.xxx part: `DOI: 10.1037/h0045357`"


def test_malformed_doi():
    for doi in ("1037/h0045357", "10.10/x", "10.1037/has space", "doi 10.1037"):
        (finding,) = check_bibliography("refs.yaml", [({**ROGERS, "DOI": doi}, 2)])
        assert finding.code == "malformed-doi", doi
        assert finding.message == f"the DOI of reference 'rogers1957' does not look like a DOI ('{doi}')"
    assert check_bibliography("refs.yaml", [({**ROGERS, "DOI": "10.1097/ACM.0b013e3182086fe1"}, 2)]) == []


def test_url_that_is_not_http():
    # A javascript: URL is now an error (the URL policy); a relative one stays a warning.
    (finding,) = check_bibliography("refs.yaml", [({**ROGERS, "URL": "javascript:alert(1)"}, 2)])
    assert (finding.severity, finding.code) == ("error", "unsafe-reference-url")
    (finding,) = check_bibliography("refs.yaml", [({**ROGERS, "URL": "www.example.org/x"}, 2)])
    assert (finding.severity, finding.code) == ("warning", "malformed-url")


def test_duplicate_ids_in_one_list():
    findings = check_bibliography("data/references.yaml", [(ROGERS, 3), (DERKSEN, 20), (ROGERS, 31)])
    assert findings == [Diagnostic(
        "data/references.yaml", 31, 1, "error", "duplicate-reference",
        "reference id 'rogers1957' is already used at line 3", "give each entry its own id, or remove the copy")]


def test_the_real_sample_is_clean():
    import yaml
    from pathlib import Path

    sample = yaml.safe_load((Path(__file__).parent / "golden" / "citations" / "references.yaml").read_text())
    entries = [(entry, index + 1) for index, entry in enumerate(sample["references"])]
    assert check_bibliography("data/references.yaml", entries) == []
