"""Loading data/references.yaml or data/references.json: entries with their lines, errors as findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import bibliography
from generator.bibliography import load_bibliography

SAMPLE = Path(__file__).parent / "golden" / "citations" / "references.yaml"


def site(tmp_path: Path, name: str, content: str | bytes) -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    target = data / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return tmp_path


def test_no_bibliography_is_fine(tmp_path):
    assert load_bibliography(tmp_path) == ({}, [])


def test_the_real_sample_with_lines(tmp_path):
    entries, findings = load_bibliography(site(tmp_path, "references.yaml", SAMPLE.read_text(encoding="utf-8")))
    assert findings == []
    assert len(entries) == 14
    entry, path, line = entries["rogers1957"]
    assert (path, entry["title"], entry["volume"]) == (
        "data/references.yaml", "The necessary and sufficient conditions of therapeutic personality change", 21)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    for key, (_, _, line) in entries.items():
        assert lines[line - 1] == f"- id: {key}"


def test_plain_yaml_list(tmp_path):
    text = "# shared\n- id: a\n  type: book\n  title: A\n  author: [{family: X}]\n\n- id: b\n  type: book\n" \
           "  title: B\n  editor:\n  - family: Y\n"
    entries, findings = load_bibliography(site(tmp_path, "references.yaml", text))
    assert findings == []
    assert {k: (v[1], v[2]) for k, v in entries.items()} == {
        "a": ("data/references.yaml", 2), "b": ("data/references.yaml", 7)}


def test_yml_extension_is_read_too(tmp_path):
    entries, _ = load_bibliography(site(tmp_path, "references.yml", "- {id: a, type: book, title: A, author: X}\n"))
    assert entries["a"][1:] == ("data/references.yml", 1)


def test_csl_json_as_zotero_exports_it(tmp_path):
    records = [
        {"id": "a", "type": "book", "title": "A", "author": [{"family": "X", "given": "Y"}],
         "issued": {"date-parts": [["2019"]]}},
        {"id": "b", "type": "article-journal", "title": "B", "author": [{"literal": "Org"}]},
    ]
    text = json.dumps(records, indent=2)
    entries, findings = load_bibliography(site(tmp_path, "references.json", text))
    assert findings == []
    lines = text.splitlines()
    assert {k: v[1:] for k, v in entries.items()} == {
        "a": ("data/references.json", 2), "b": ("data/references.json", lines.index("  {", 2) + 1)}
    assert entries["a"][0]["issued"] == {"date-parts": [["2019"]]}


def test_yaml_syntax_error_points_at_the_line(tmp_path):
    text = "references:\n- id: a\n  title: \"Unclosed: quote\n  type: book\n"
    entries, (finding,) = load_bibliography(site(tmp_path, "references.yaml", text))
    assert entries == {}
    assert (finding.severity, finding.code, finding.path, finding.line) == (
        "error", "bibliography-syntax", "data/references.yaml", 3)
    assert finding.message.startswith("YAML syntax error: ")


def test_yaml_indentation_error(tmp_path):
    text = "- id: a\n  type: book\n title: bad\n"
    _, (finding,) = load_bibliography(site(tmp_path, "references.yaml", text))
    assert (finding.code, finding.line) == ("bibliography-syntax", 3)


def test_json_syntax_error_points_at_the_line(tmp_path):
    text = '[\n  {"id": "a", "type": "book"}\n  {"id": "b"}\n]\n'
    entries, (finding,) = load_bibliography(site(tmp_path, "references.json", text))
    assert entries == {}
    assert (finding.code, finding.line, finding.col) == ("bibliography-syntax", 3, 3)
    assert finding.message == "JSON syntax error: Expecting ',' delimiter"


@pytest.mark.parametrize("text", ["[" * 200_000 + "]" * 200_000, '{"references": ' + '{"a": ' * 200_000 + "1" + "}" * 200_001])
def test_json_nested_past_the_interpreter_is_a_finding_not_a_crash(tmp_path, text):
    entries, (finding,) = load_bibliography(site(tmp_path, "references.json", text))
    assert entries == {}
    assert (finding.code, finding.line, finding.col) == ("bibliography-syntax", 1, 1)
    assert "nested too deeply" in finding.message


@pytest.mark.parametrize("name, text, message", [
    ("references.yaml", "title: not a list\n", "the bibliography has no `references:` list"),
    ("references.yaml", "references: just text\n", "the references are not a list"),
    ("references.json", '{"id": "a"}', "the bibliography is not a JSON array"),
])
def test_wrong_shape(tmp_path, name, text, message):
    entries, (finding,) = load_bibliography(site(tmp_path, name, text))
    assert entries == {}
    assert (finding.severity, finding.code, finding.message) == ("error", "bibliography-shape", message)


def test_empty_files(tmp_path):
    assert load_bibliography(site(tmp_path, "references.yaml", "")) == ({}, [])
    assert load_bibliography(site(tmp_path, "references.yaml", "references:\n")) == ({}, [])


def test_content_checks_come_with_the_load(tmp_path):
    text = "- id: a\n  type: book\n  title: A\n  author: X\n- id: a\n  type: bok\n  title: B\n  author: Y\n"
    entries, findings = load_bibliography(site(tmp_path, "references.yaml", text))
    assert [(d.code, d.line) for d in findings] == [("unknown-reference-type", 5), ("duplicate-reference", 5)]
    assert entries["a"][0]["title"] == "A"  # the first entry wins


def test_same_id_in_yaml_and_json(tmp_path):
    site(tmp_path, "references.yaml", "- {id: a, type: book, title: A, author: X}\n")
    site(tmp_path, "references.json", '[{"id": "a", "type": "book", "title": "B", "author": "Y"}]')
    entries, (finding,) = load_bibliography(tmp_path)
    assert entries["a"][1] == "data/references.yaml"
    assert (finding.code, finding.path, finding.message) == (
        "duplicate-reference", "data/references.json", "reference id 'a' is already used at data/references.yaml:1")


def test_not_utf8(tmp_path):
    entries, (finding,) = load_bibliography(site(tmp_path, "references.yaml", b"- id: \xff\xfe\n"))
    assert entries == {}
    assert finding.code == "bibliography-unreadable"


def test_yaml_dates_and_numbers_come_through_as_yaml_reads_them(tmp_path):
    text = "- id: a\n  type: webpage\n  title: T\n  author: X\n  issued: 2013-12-10\n  volume: 63\n"
    entries, _ = load_bibliography(site(tmp_path, "references.yaml", text))
    import datetime

    assert entries["a"][0]["issued"] == datetime.date(2013, 12, 10)
    assert entries["a"][0]["volume"] == 63


def test_uses_the_c_loader_when_available():
    import yaml

    assert bibliography._Loader is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --------------------------------------------------------------------------- typed fields, BibTeX


def test_a_title_written_as_a_mapping_is_an_error_at_its_line_and_column(tmp_path):
    site(tmp_path, "references.yaml",
          "- id: a\n  type: book\n  author: [Doe, J.]\n  title:\n    text: A mapping\n"
          "- id: b\n  type: book\n  title: Fine\n  issued: garbage\n")
    _, findings = load_bibliography(tmp_path)
    assert [(d.severity, d.code, d.line, d.col) for d in findings] == [
        ("error", "reference-field-type", 5, 5), ("error", "reference-field-type", 9, 11)]
    assert findings[0].message == "the `title` of reference 'a' is a set of fields, not text"
    assert findings[1].message == "the `issued` of reference 'b' is 'garbage', not a date Haven can read"


def test_a_json_field_of_the_wrong_kind_points_at_its_value(tmp_path):
    site(tmp_path, "references.json",
          '[\n  {"id": "a", "type": "book", "title": "T"},\n'
          '  {"id": "b", "type": "book",\n   "title": ["x"], "URL": "javascript:alert(1)"}\n]\n')
    _, findings = load_bibliography(tmp_path)
    assert [(d.code, d.line, d.col) for d in findings] == [
        ("reference-field-type", 4, 13), ("unsafe-reference-url", 4, 27)]


@pytest.mark.parametrize("text", [
    # the word "references" as a value before the key, then a "[" inside a string: read as text, not as the list
    '{"note": "references", "draft": "[see below",\n "references": [\n'
    '  {"id": "a", "type": "book", "title": "A"},\n  {"id": "b", "type": "book",\n   "title": ["x"]}]}\n',
    # another list before the key
    '{"note": "references", "old": [1],\n "references": [\n'
    '  {"id": "a", "type": "book", "title": "A"},\n  {"id": "b", "type": "book",\n   "title": ["x"]}]}\n',
    # the key written twice, the second time with an escape: JSON keeps the last one, and so do the lines
    '{"references": [{"id": "z"}],\n "refer\\u0065nces": [\n'
    '  {"id": "a", "type": "book", "title": "A"},\n  {"id": "b", "type": "book",\n   "title": ["x"]}]}\n',
])
def test_every_json_entry_is_kept_at_its_own_line_whatever_precedes_the_references_key(tmp_path, text):
    entries, findings = load_bibliography(site(tmp_path, "references.json", text))
    assert {key: line for key, (_, _, line) in entries.items()} == {"a": 3, "b": 4}
    assert [(d.code, d.line, d.col) for d in findings] == [("reference-field-type", 5, 13)]


def test_a_repeated_yaml_references_key_keeps_the_entries_yaml_keeps(tmp_path):
    text = "references:\n- id: z\nreferences:\n- {id: a, type: book, title: A}\n- id: b\n  type: book\n" \
           "  title: [x]\n"
    entries, findings = load_bibliography(site(tmp_path, "references.yaml", text))
    assert {key: line for key, (_, _, line) in entries.items()} == {"a": 4, "b": 5}
    assert [(d.code, d.line, d.col) for d in findings] == [("reference-field-type", 7, 10)]


BIBTEX = r"""@string{apa = "American Psychological Association"}
@article{milgram1963,
  title = {Behavioral Study of Obedience},
  author = {Milgram, Stanley and others},
  journal = {The Journal of Abnormal and Social Psychology},
  volume = {67}, number = {4}, pages = {371--78}, year = {1963}, month = oct
}
@misc{who2021, author = {{World Health Organization}}, title = {Mental Health Atlas 2020: the {WHO} Report},
  year = {2021}, publisher = apa}
@phdthesis{p1, author = {van den Berg, Jan and M{\"u}ller, Hans-J{\"o}rg}, title = {On Methods},
  school = {Utrecht University}, year = {2019}}
"""


def test_bibtex_is_read_into_the_csl_fields_pandoc_gives(tmp_path):
    site(tmp_path, "references.bib", BIBTEX)
    found, findings = load_bibliography(tmp_path)
    assert sorted(found) == ["milgram1963", "p1", "who2021"]
    milgram, path, line = found["milgram1963"]
    assert (path, line) == ("data/references.bib", 2)
    assert milgram == {
        "id": "milgram1963", "type": "article-journal", "title": "Behavioral study of obedience",
        "author": [{"family": "Milgram", "given": "Stanley"}, {"literal": "others"}],
        "container-title": "The Journal of Abnormal and Social Psychology", "volume": "67", "issue": "4",
        "page": "371-78", "issued": {"date-parts": [[1963, 10]]}}
    who = found["who2021"][0]
    assert who["type"] == "" and who["author"] == [{"literal": "World Health Organization"}]
    assert who["title"] == "Mental health atlas 2020: The WHO report"
    assert who["publisher"] == "American Psychological Association"
    thesis = found["p1"][0]
    assert thesis["author"] == [{"family": "Berg", "given": "Jan", "dropping-particle": "van den"},
                                {"family": "Müller", "given": "Hans-Jörg"}]
    assert (thesis["type"], thesis["genre"], thesis["publisher"]) == ("thesis", "PhD thesis", "Utrecht University")
    # @misc comes without a type: a warning naming the closest CSL type, never an error
    assert [(d.severity, d.code, d.line) for d in findings] == [("warning", "unknown-reference-type", 8)]


def test_bibtex_syntax_errors_point_at_the_entry(tmp_path):
    site(tmp_path, "references.bib",
          "@article{ok, title = {Fine}, author = {Doe, J.}, year = 2020}\n\n"
          "@article{bad, title = {Unclosed, year = 2020\n\n@book{next, title = {T}, author = {A, B}}\n")
    found, findings = load_bibliography(tmp_path)
    assert "ok" in found
    assert [(d.severity, d.code, d.line) for d in findings][:1] == [("error", "bibliography-syntax", 3)]


def test_biblatex_dates_and_types_as_zotero_and_pandoc_export_them(tmp_path):
    site(tmp_path, "references.bib",
         "@movie{rsa2013, author = {{RSA}}, title = {Bren{\\'e} {Brown} on Empathy}, date = {2013-12-10},\n"
         "  publisher = {YouTube}, url = {https://www.youtube.com/watch?v=1Evwgu369Jw}}\n"
         "@article{d, author = {Doe, Jane}, title = {T}, journaltitle = {J}, date = {2001/2003}}\n")
    found, findings = load_bibliography(tmp_path)
    assert findings == []
    movie = found["rsa2013"][0]
    assert (movie["type"], movie["title"], movie["issued"]) == (
        "motion_picture", "Brené Brown on empathy", {"date-parts": [[2013, 12, 10]]})
    assert found["d"][0]["issued"] == {"date-parts": [[2001], [2003]]}
    assert found["d"][0]["container-title"] == "J"


def test_bibtex_urls_and_dois_are_verbatim(tmp_path):
    # "%2F" in a URL is no LaTeX comment (pandoc reads url and doi verbatim)
    site(tmp_path, "references.bib", "@article{r, author = {Rouder, Jeffrey N.}, title = {T}, year = 2015,\n"
         "  url = {https://doi.org/10.3758%2Fs13428-015-0630-z}, doi = {10.3758/s13428-015-0630-z}}\n")
    entry = load_bibliography(tmp_path)[0]["r"][0]
    assert entry["URL"] == "https://doi.org/10.3758%2Fs13428-015-0630-z"
    assert entry["DOI"] == "10.3758/s13428-015-0630-z"


@pytest.mark.parametrize("text, expected", [
    ("@article{a, title={One}, author={X, Y}, year=2000}\n\n@article{a, title={Two}, year=2001}\n",
     [("error", "duplicate-reference", 3, "reference id 'a' is already used at line 1")]),
    ("@article{n, title={" + "{" * 5000 + "x" + "}" * 5000 + "}, year=2000}\n",
     [("error", "bibliography-syntax", 1, "the entry 'n' nests braces or LaTeX commands too deeply to be read")]),
    ("@article{l, title={" + "\\textbf{" * 3000 + "y" + "}" * 3000 + "}, year=2000}\n",
     [("error", "bibliography-syntax", 1, "the entry 'l' nests braces or LaTeX commands too deeply to be read")]),
    ("\n@article{u, title={never closed, year=2000\n",
     [("error", "bibliography-syntax", 2, "BibTeX syntax error in the entry starting here: Unexpectedly reached end of file.")]),
    ("@article{m, title={T}, author={A, B},\n  year={20x0}}\n",
     [("error", "reference-field-type", 2, "the `year` of reference 'm' is '20x0', not a year")]),
    ("@misc{j, title={T}, author={A, B}, year=2000,\n url={javascript:alert(1)}}\n",
     [("error", "unsafe-reference-url", 2,
       "the `URL` of reference 'j': the address uses the 'javascript:' scheme, which Haven never publishes")]),
    ("@string{a = b}\n@string{b = a}\n@comment{not {an} entry}\n@article{s, title=a, author={A, B}, year=2000}\n", []),
])
def test_hostile_bibtex_is_a_finding_at_its_line_never_a_traceback(tmp_path, capsys, text, expected):
    site(tmp_path, "references.bib", text)
    _, findings = load_bibliography(tmp_path)
    assert [(d.severity, d.code, d.line, d.message) for d in findings] == expected
    assert capsys.readouterr().err == ""  # bibtexparser's own log lines do not reach the terminal
