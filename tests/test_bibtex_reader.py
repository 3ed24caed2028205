"""The BibTeX reader gives the CSL fields `pandoc -f bibtex -t csljson` gives, on the cases real files hold.

Each case below was found in the real bibliographies of tests/realbib/ (nilearn, scanpy, ehrapy, NiMARE,
fMRIPrep, biblatex-apa's test file) and checked against pandoc 3's own conversion.
"""

from __future__ import annotations

import pytest

from generator.bibtex import read_bibtex


def _read(text: str) -> dict:
    entries, findings = read_bibtex(text, "data/references.bib")
    assert findings == []
    return {entry["id"]: entry for entry, *_ in entries}


@pytest.mark.parametrize("title, expected", [
    ("Behavioral Study: the Case of N3 and T2*-Mapping in 2D", "Behavioral study: The case of N3 and T2*-mapping in 2D"),
    ("seaborn: v0.7.1 (June 2016)", "Seaborn: v0.7.1 (june 2016)"),       # no capital on a word with digits
    ("viSNE Enables: iPhone Stuff", "viSNE enables: iPhone stuff"),       # mixed-case words are kept
    ("the Brainomics/Localizer Database", "The brainomics/localizer database"),  # each side of a slash
    ("Strengthening Trans-{Tasman} Relations", "Strengthening trans-Tasman relations"),  # only the braced part kept
    ("{U.S.} and World Population Clock", "U.S. And world population clock"),  # after a braced group ending in "."
    (r"\textup{The good place} ends its Remarkable Season", "The good place ends its remarkable season"),
])
def test_titles_are_sentence_cased_as_pandoc_does(title, expected):
    assert _read(f"@article{{k, title = {{{title}}}, year = 2020}}")["k"]["title"] == expected


def test_a_font_command_keeps_its_text():
    # pylatexenc drops the argument of \textup and \mbox: the words would vanish from the reference.
    # pandoc gives "A  of magic" here (it drops \mbox's text); Haven keeps the word.
    entry = _read(r"@book{k, title = {A \mbox{Kind} of \textup{Magic}}, publisher = {\textnormal{P}}, year = 1}")["k"]
    assert (entry["title"], entry["publisher"]) == ("A kind of magic", "P")


def test_names_as_pandoc_splits_them():
    authors = _read("@article{k, title = {T}, year = 2019, author = {James, G.Andrew and Kay, A.B.C and "
                    "Elzen, Antonia van den and Visconti di Oleggio Castello, Matteo and "
                    "’t Hoen, Peter A C and López de Molina, G.}}")["k"]["author"]
    assert authors == [
        {"family": "James", "given": "G.Andrew"},       # only initials get a space after their period
        {"family": "Kay", "given": "A. B. C"},
        {"family": "Elzen", "given": "Antonia", "dropping-particle": "van den"},  # lower-case words after the given name
        {"family": "Visconti di Oleggio Castello", "given": "Matteo"},  # a capitalised name is all family name
        {"family": "Hoen", "given": "Peter A C", "dropping-particle": "’t"},
        {"family": "López de Molina", "given": "G."},
    ]


def test_biblatex_subtitles_addons_and_journal_subtitles():
    found = _read("@article{d, title={T: S}, subtitle={Sub Title}, titleaddon={Add On}, journaltitle={J},\n"
                  "  journalsubtitle={JS Sub}, day={6}, month={2}, year={2019}}\n"
                  "@incollection{f, title={T?}, subtitle={Sub}, booktitle={B}, booksubtitle={The Sub},\n"
                  "  booktitleaddon={Bta}, pages={1 -- 2}}\n"
                  "@book{g, title={{Whole: braced}}, date={2019-03}, pages={3–4}}\n"
                  "@periodical{p, title={Heterodox Issues}, issuetitle={Special Section}, year=2018}\n")
    assert {k: found["d"][k] for k in ("title", "title-short", "container-title", "issued")} == {
        "title": "T: s: Sub title. Add on", "title-short": "T", "container-title": "J: JS Sub",
        "issued": {"date-parts": [[2019, 2, 6]]}}
    assert (found["f"]["title"], found["f"]["title-short"], found["f"]["container-title"], found["f"]["page"]) == (
        "T? Sub", "T?", "B: The sub. Bta", "1 - 2")
    assert "title-short" not in found["g"] and found["g"]["page"] == "3-4"   # no split inside braces; – becomes -
    assert (found["p"]["title"], found["p"]["container-title"]) == ("Special section", "Heterodox Issues")


def test_empty_fields_publishers_and_types_as_pandoc_gives_them():
    found = _read("@inproceedings{b, title={T}, booktitle={}, number={}, volume={}, doi={10.1/x }}\n"
                  "@misc{a, title={T}, howpublished={H}, publisher={P}, organization={O}, institution={I}, school={S}}\n"
                  "@conference{c, title={T}}\n@standard{s, title={T}}\n@audio{m, title={T}}\n"
                  "@unpublished{u, title={T}, venue={Department of Psychology}}\n"
                  "@article{n, title={T}, entrysubtype={newspaper}}\n"
                  "@mastersthesis{t, title={T}, type={Master's Thesis}}\n")
    assert {k: found["b"][k] for k in ("container-title", "collection-number", "volume", "DOI")} == {
        "container-title": "", "collection-number": "", "volume": "", "DOI": "10.1/x "}
    assert found["a"]["publisher"] == "S; I; O; H; P"
    assert [found[k]["type"] for k in "csmun"] == ["", "legislation", "song", "speech", "article-newspaper"]
    assert found["t"]["genre"] == "Master's Thesis"


def test_biblatex_dates_circa_before_the_common_era_and_open_ranges():
    found = _read("@book{a, title={T}, date={-3000~}}\n@book{b, title={T}, date={1917~/1954~}}\n"
                  "@audio{c, title={T}, date={2015/}}\n@book{d, title={T}, date={-0379%}}\n")
    assert found["a"]["issued"] == {"date-parts": [[-3001]], "circa": True}  # year 0 is 1 B.C.E., as pandoc reads it
    assert found["b"]["issued"] == {"date-parts": [[1917], [1954]], "circa": True}
    assert found["c"]["issued"] == {"date-parts": [[2015], [0]]}  # a series still going on
    assert found["d"]["issued"] == {"date-parts": [[-380]]}


def test_a_command_around_a_protected_group_keeps_its_text_and_a_review_has_an_issue():
    found = _read(r"@article{k, title = {Chimpanzees (\textsl{Pan troglodytes})}, year = 2010}" "\n"
                  r"@review{r, title = {T}, number = {51}, year = 2007}")
    assert found["k"]["title"] == "Chimpanzees (<i>Pan troglodytes</i>)"
    assert found["r"]["issue"] == "51" and "number" not in found["r"]


@pytest.mark.parametrize("authors", ["Stegle, Oliver and Fabian J. Theis and", "and Doe, Jane", "Doe, J. and and Roe, R."])
def test_a_name_list_with_an_empty_place_is_a_warning_at_its_line(authors):
    # ehrapy's Virshup_2023 ends its author list with "and": pandoc and Haven read a person named "and"
    entries, findings = read_bibtex("@article{k,\n  title = {T},\n  author = {" + authors + "},\n  year = 2023}\n",
                                    "data/references.bib")
    assert [(d.severity, d.code, d.line) for d in findings] == [("warning", "reference-name-list", 3)]
    assert entries  # the entry is still read and shown


def test_names_with_and_inside_a_word_are_no_finding():
    _read("@article{k, title = {T}, author = {Anderson, A. and Sandland, B. and {Research and Development}}, year=1}")
