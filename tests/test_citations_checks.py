"""Citation integrity findings: what a writer is told, and where."""

from __future__ import annotations

from generator.checks.citations import check_article_citations, check_bibliography, check_own_references
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


def test_incomplete_reference_lists_what_is_missing():
    findings = check_bibliography("data/references.yaml", [({"id": "x", "type": "book"}, 4),
                                                           ({"title": "Only a title"}, 9)])
    assert [(d.line, d.code, d.message) for d in findings] == [
        (4, "incomplete-reference", "reference 'x' has no title, author or editor"),
        (9, "incomplete-reference", "reference #2 has no id, type, author or editor"),
    ]
    assert all(d.severity == "error" for d in findings)
    assert "`- literal: Organization Name`" in findings[0].hint


def test_editor_or_group_author_is_enough():
    entries = [({"id": "e", "type": "book", "title": "T", "editor": [{"family": "Watt"}]}, 1),
               ({"id": "g", "type": "report", "title": "T", "author": [{"literal": "SAMHSA"}]}, 2)]
    assert check_bibliography("data/references.yaml", entries) == []


def test_entry_that_is_not_a_mapping():
    (finding,) = check_bibliography("data/references.yaml", [("just a string", 3)])
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
    (finding,) = check_bibliography("refs.yaml", [({**ROGERS, "URL": "javascript:alert(1)"}, 2)])
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
