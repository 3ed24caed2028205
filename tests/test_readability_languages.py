"""Readability beyond English: each language's formula on hand-counted texts, pyphen syllables, and
languages Haven cannot score."""

from __future__ import annotations

import pytest

from generator.checks.readability import check_languages_scored, readability_report
from generator.model import Language
from generator.readability import body_score, plain_text_score
from generator.readability.formulas import amstad, flesch_kincaid, formula_for, kandel_moles, szigriszt_pazos


def test_each_formula_is_the_published_one():
    # 10 words per sentence, 1.5 syllables per word
    assert flesch_kincaid(10, 1.5) == pytest.approx(0.39 * 10 + 11.8 * 1.5 - 15.59)      # 6.01
    assert szigriszt_pazos(10, 1.5) == pytest.approx(206.835 - 62.3 * 1.5 - 10)          # 103.385
    assert kandel_moles(10, 1.5) == pytest.approx(207 - 1.015 * 10 - 73.6 * 1.5)         # 86.45
    assert amstad(10, 1.5) == pytest.approx(180 - 10 - 58.5 * 1.5)                        # 82.25


@pytest.mark.parametrize("word, syllables", [
    ("empatía", 4), ("ayuda", 3), ("aéreo", 4), ("ciudad", 2), ("que", 1), ("persona", 3),
    ("psicológico", 5), ("tranquilidad", 4), ("país", 2), ("muy", 1), ("y", 1), ("llueve", 2),
    ("comprender", 3), ("emociones", 4),
])
def test_spanish_syllables_hand_counted(word, syllables):
    formula = formula_for("es")
    assert formula is not None and formula.syllables(word) == syllables


def test_spanish_is_scored_with_szigriszt_pazos():
    # La(1) em-pa-tí-a(4) a-yu-da(3). Hoy(1) no(1) llue-ve(2) en(1) la(1) ciu-dad(2).
    # 9 words, 2 sentences, 16 syllables.
    text = "La empatía ayuda. Hoy no llueve en la ciudad."
    assert plain_text_score(text, "es") == pytest.approx(206.835 - 62.3 * 16 / 9 - 9 / 2)
    assert formula_for("es-MX") is formula_for("es")


def test_french_is_scored_with_kandel_moles():
    # Le chat dort. Il fait beau. 6 words of one syllable, 2 sentences.
    assert plain_text_score("Le chat dort. Il fait beau.", "fr") == pytest.approx(207 - 1.015 * 3 - 73.6 * 1)


def test_german_is_scored_with_amstad():
    # Der Hund schläft. Die Son-ne scheint. 6 words, 2 sentences, 7 syllables.
    assert plain_text_score("Der Hund schläft. Die Sonne scheint.", "de") == pytest.approx(180 - 3 - 58.5 * 7 / 6)


def test_english_keeps_flesch_kincaid():
    # The cat sat on the mat. The dog ran to the big red barn. 14 one-syllable words, 2 sentences.
    assert plain_text_score("The cat sat on the mat. The dog ran to the big red barn.", "en") == pytest.approx(
        0.39 * 7 + 11.8 - 15.59)


def test_a_hard_spanish_article_is_flagged_in_its_own_formula():
    hard = ("La psicoterapia interpersonal constituye una intervención psicológica estructurada, "
            "fundamentada empíricamente, cuya eficacia terapéutica ha sido demostrada reiteradamente "
            "mediante investigaciones controladas y aleatorizadas internacionales.\n")
    findings, grade = readability_report("articles/es/x.md", hard, 7, 8.0, "es")
    assert grade is None   # the dashboard's grade column is Flesch-Kincaid, English only
    assert len(findings) == 1 and findings[0].line == 7
    assert "Szigriszt-Pazos perspicuity" in findings[0].message and "below the target of 55" in findings[0].message
    easy = "Hablar con alguien ayuda. No está solo. Hay personas que le escuchan.\n"
    assert readability_report("articles/es/y.md", easy, 7, 8.0, "es")[0] == []
    assert body_score(easy, "es") > 55


def test_a_language_without_a_formula_is_said_once_not_scored_as_english():
    arabic = Language("ar", "العربية", dir="rtl", default=False, line=12)
    spanish = Language("es", "Español", default=False, line=9)
    findings = check_languages_scored([spanish, arabic], "site.yaml")
    assert [(f.code, f.line) for f in findings] == [("readability-unscored", 12)]
    assert "cannot score the readability of العربية (ar)" in findings[0].message
    assert readability_report("articles/ar/x.md", "نص عربي طويل جدا.\n", 5, 8.0, "ar") == ([], None)
