"""APA 7 forms found missing or wrong by the real-bibliography suite (tests/realbib/), one test each.

Each expected string is the Publication Manual's own example (the section is named), as
biblatex-apa's test file gives it; Haven renders the CSL item pandoc makes of that BibTeX entry.
"""

from __future__ import annotations

import html as htmllib
import re

from generator.citations import CiteItem, Cluster, format_bibliography, render_citations


def entry(**item) -> str:
    item.setdefault("id", "k")
    return format_bibliography([item])[0].text


def cited(item: dict, narrative: bool = False) -> str:
    html = render_citations([Cluster((CiteItem(item["id"]),), narrative, 1, 1)], {item["id"]: item}).clusters[0]
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", html))).strip()


def name(family: str, given: str) -> dict:
    return {"family": family, "given": given}


def test_works_before_the_common_era_and_circa_dates():  # 9.41, 10.2 example 36
    aristotle = {"id": "a", "type": "book", "author": [{"literal": "Aristotle"}], "title": "Poetics",
                 "issued": {"date-parts": [[1994]]}, "original-date": {"date-parts": [[-350]], "circa": True}}
    assert cited(aristotle) == "(Aristotle, ca. 350 B.C.E./1994)"
    assert entry(type="book", title="The book of Eibon", issued={"date-parts": [[-2001]], "circa": True}) == (
        "The book of Eibon. (ca. 2001 B.C.E.).")
    # an open range, [[2015], [0]], is a series still going on (10.13)
    podcast = entry(type="song", author=[name("Vedantam", "S.")], title="Hidden brain", publisher="NPR",
                    issued={"date-parts": [[2015], [0]]})
    assert podcast.startswith("Vedantam, S. (2015–). Hidden brain")


def test_translators_are_named_after_the_title():  # 10.2 examples 28, 29; 10.3 example 42; 10.1 example 10
    assert entry(type="book", author=[name("Piaget", "J."), name("Inhelder", "B.")], title="The psychology of the child",
                 translator=[name("Weaver", "H.")], edition="2", publisher="Basic Books",
                 issued={"date-parts": [[1969]]}) == (
        "Piaget, J., & Inhelder, B. (1969). The psychology of the child (H. Weaver, Trans.; 2nd ed.). Basic Books.")
    assert entry(type="book", author=[name("Freud", "S.")], title="The interpretation of dreams",
                 editor=[name("Strachey", "J.")], translator=[name("Strachey", "J.")], publisher="Basic Books",
                 issued={"date-parts": [[2010]]}) == (
        "Freud, S. (2010). The interpretation of dreams (J. Strachey, Ed. & Trans.). Basic Books.")
    assert entry(type="chapter", author=[name("Heidegger", "M.")], title="On the essence of truth",
                 translator=[name("Sallis", "J.")], editor=[name("Krell", "D. F.")], **{"container-title": "Basic writings"},
                 page="111-138", publisher="Harper", issued={"date-parts": [[2008]]}) == (
        "Heidegger, M. (2008). On the essence of truth (J. Sallis, Trans.). In D. F. Krell (Ed.), Basic writings "
        "(pp. 111–138). Harper.")


def test_a_retrieval_date_for_undated_works_only():  # 9.16, 10.3 example 47
    dictionary = {"type": "entry-dictionary", "author": [{"literal": "American Psychological Association"}],
                  "title": "Positive transference", "container-title": "APA dictionary of psychology",
                  "URL": "https://dictionary.apa.org/positive-transference", "accessed": {"date-parts": [[2019, 8, 31]]}}
    assert entry(**dictionary).endswith("Retrieved August 31, 2019, from https://dictionary.apa.org/positive-transference")
    # a dated article's `accessed` (Zotero adds one to everything) is not printed
    dated = entry(**{**dictionary, "type": "article-journal", "issued": {"date-parts": [[2019]]}})
    assert "Retrieved" not in dated and dated.endswith("https://dictionary.apa.org/positive-transference")


def test_a_web_page_names_its_publisher_as_the_site_unless_it_is_the_author():  # 10.16 example 114
    page = {"type": "webpage", "author": [{"literal": "U.S. Census Bureau"}], "title": "U.S. and world population clock",
            "publisher": "U.S. Department of Commerce", "URL": "https://www.census.gov/popclock/",
            "accessed": {"date-parts": [[2019, 7, 3]]}}
    assert entry(**page) == ("U.S. Census Bureau. (n.d.). U.S. and world population clock. U.S. Department of "
                             "Commerce. Retrieved July 3, 2019, from https://www.census.gov/popclock/")
    assert "population clock. Retrieved" in entry(**{**page, "publisher": "U.S. Census Bureau"})


def test_a_presentation_is_dated_by_its_conference_and_names_it():  # 10.5 example 62
    poster = {"id": "p", "type": "speech", "author": [name("Pearson", "J.")], "genre": "Poster presentation",
              "title": "Fat talk and its effects on state-based body image in women",
              "event-title": "Australian Psychological Society Congress", "event-place": "Sydney, NSW, Australia",
              "event-date": {"date-parts": [[2018, 9, 27], [2018, 9, 30]]}, "URL": "http://bit.ly/2XGSThP"}
    assert entry(**poster) == (
        "Pearson, J. (2018, September 27–30). Fat talk and its effects on state-based body image in women "
        "[Poster presentation]. Australian Psychological Society Congress, Sydney, NSW, Australia. http://bit.ly/2XGSThP")
    assert cited(poster) == "(Pearson, 2018)"


def test_theses_unpublished_and_from_a_database():  # 10.6 examples 64, 65
    assert entry(type="thesis", author=[name("Harris", "L.")], genre="Unpublished doctoral dissertation",
                 publisher="University of Virginia", title="Instructional leadership perceptions",
                 issued={"date-parts": [[2014]]}) == (
        "Harris, L. (2014). Instructional leadership perceptions [Unpublished doctoral dissertation]. "
        "University of Virginia.")
    assert entry(type="thesis", author=[name("Hollander", "M. M.")], genre="Doctoral dissertation",
                 publisher="University of Wisconsin–Madison", number="10289373", archive="ProQuest Dissertations",
                 title="Resistance to authority", issued={"date-parts": [[2017]]}) == (
        "Hollander, M. M. (2017). Resistance to authority (Publication No. 10289373) [Doctoral dissertation, "
        "University of Wisconsin–Madison]. ProQuest Dissertations.")
    # a thesis type written with a straight apostrophe is set as titles are: "Master’s"
    assert "[Master’s thesis, Freie Universität]" in entry(
        type="thesis", author=[name("Huntenburg", "J. M.")], genre="Master's thesis", publisher="Freie Universität",
        title="Evaluating nonlinear coregistration", issued={"date-parts": [[2014]]})


def test_numbers_of_data_sets_software_episodes_and_patents_are_shown():  # 10.9, 10.11, 10.13, 11.8
    assert "children (ICPSR 37080; Version V1) [Data set]. ICPSR." in entry(
        type="dataset", author=[name("D’Souza", "A.")], title="Cognitive effects of music and dance training in children",
        number="ICPSR 37080", version="V1", publisher="ICPSR", issued={"date-parts": [[2018]]})
    assert "(ASI) (No. TC022704) [Computer software]" in entry(
        type="software", author=[name("Cardoza", "D.")], title="Acculturative Stress Inventory (ASI)",
        number="TC022704", issued={"date-parts": [[2000]]})
    assert "This American Life: Amusement park (No. 443) [Audio recording]. WBEZ Chicago." in entry(
        type="song", author=[name("Glass", "I.")], title="This American Life", **{"volume-title": "Amusement park"},
        number="443", publisher="WBEZ Chicago", issued={"date-parts": [[2011, 8, 12]]})
    assert "domains (U.S. Patent No. 9,367,592). U.S. Patent and Trademark Office." in entry(
        type="patent", author=[name("Hiremath", "S. C.")], title="Using metaphors to present concepts across domains",
        genre="U.S. Patent", number="9,367,592", publisher="U.S. Patent and Trademark Office",
        issued={"date-parts": [[2016]]})
    assert entry(type="graphic", author=[name("Wood", "G.")], title="American gothic",
                 issued={"date-parts": [[1930]]}) == "Wood, G. (1930). American gothic [Graphic]."


def test_cases_and_acts_are_named_in_title_case_and_dated_after_the_name():  # 11.4, 11.5
    case = {"id": "b", "type": "legal_case", "title": "Brown v. Board of education", "issued": {"date-parts": [[1954]]},
            "URL": "http://www.oyez.org/cases/1940-1955/347us483"}
    assert entry(**case) == "Brown v. Board of Education (1954). http://www.oyez.org/cases/1940-1955/347us483"
    assert cited(case) == "(Brown v. Board of Education, 1954)"
    assert cited(case, narrative=True) == "Brown v. Board of Education (1954)"
    assert entry(type="legislation", title="Americans with disabilities act of 1990",
                 issued={"date-parts": [[1990]]}) == "Americans With Disabilities Act of 1990 (1990)."


def test_a_lone_lower_case_letter_in_a_journal_name_stays_lower_case():  # 6.17: "y", "e" are other languages' "and"
    assert "Clínica y Salud, 28(3)" in entry(type="article-journal", author=[name("Chaves-Morillo", "V.")], title="T",
                                              **{"container-title": "Clínica y salud"}, volume="28", issue="3",
                                              issued={"date-parts": [[2018]]})


def test_a_director_leads_a_film_with_no_author_and_volumes_of_a_multivolume_work():  # 10.12, 10.2
    assert entry(type="motion_picture", director=[name("Forman", "M.")], title="One flew over the cuckoo’s nest",
                 publisher="United Artists", issued={"date-parts": [[1975]]}) == (
        "Forman, M. (Director). (1975). One flew over the cuckoo’s nest [Film]. United Artists.")
    assert entry(type="book", editor=[name("Koch", "S.")], title="Psychology: A study of science",
                 **{"number-of-volumes": "1–6"}, publisher="McGraw-Hill", issued={"date-parts": [[1959], [1963]]}) == (
        "Koch, S. (Ed.). (1959–1963). Psychology: A study of science (Vols. 1–6). McGraw-Hill.")


def test_a_given_name_written_in_lower_case_keeps_its_case():  # 9.8: k.d. lang
    assert entry(type="song", author=[name("lang", "k d")], title="Watershed", publisher="Nonesuch Records",
                 issued={"date-parts": [[2008]]}).startswith("lang, k. d. (2008). Watershed")


def test_personal_communications_are_cited_with_initials_and_the_full_date():  # 8.9
    letter = {"id": "z", "type": "personal_communication", "author": [name("Zacharius", "G. P.")],
              "title": "Letter to William Rickel", "issued": {"date-parts": [[1953, 8, 15]]}}
    assert cited(letter) == "(G. P. Zacharius, personal communication, August 15, 1953)"
    assert cited(letter, narrative=True) == "G. P. Zacharius (personal communication, August 15, 1953)"
    # an archived letter is a work like any other, with its place in the archive (10.8)
    archived = {**letter, "publisher": "Rockefeller Archive Center", "number": "GEB series 1.3, Box 371, Folder 3877"}
    assert cited(archived) == "(Zacharius, 1953)"
    assert entry(**archived) == ("Zacharius, G. P. (1953, August 15). Letter to William Rickel (GEB series 1.3, "
                                 "Box 371, Folder 3877) [Letter]. Rockefeller Archive Center.")


def test_a_case_carries_no_original_work_note():  # 11.4
    case = {"type": "legal_case", "title": "Durflinger v. Artiles", "issued": {"date-parts": [[1984]]},
            "original-date": {"date-parts": [[1981]]}}
    assert entry(**case) == "Durflinger v. Artiles (1984)."


def test_a_court_an_amended_act_and_a_treaty_are_dated_as_the_manual_shows():  # 11.4, 11.5, 11.10
    assert entry(type="legal_case", title="Daubert v. Merrell Dow Pharmaceuticals, Inc.", publisher="9th Cir.",
                 issued={"date-parts": [[1991]]}) == "Daubert v. Merrell Dow Pharmaceuticals, Inc. (9th Cir. 1991)."
    assert entry(type="legislation", title="Florida mental health act", issued={"date-parts": [[2009]]},
                 **{"original-date": {"date-parts": [[1971]]}}) == "Florida Mental Health Act (1971 & 2009)."
    assert entry(type="treaty", title="United Nations Convention on the Rights of the Child",
                 issued={"date-parts": [[1989, 11, 20]]}, URL="https://www.ohchr.org/crc") == (
        "United Nations Convention on the Rights of the Child, November 20, 1989. https://www.ohchr.org/crc")
