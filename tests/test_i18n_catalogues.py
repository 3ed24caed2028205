"""Interface text in gettext catalogues: extraction, completeness, overrides, hostile catalogues, locale formats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from generator.build import BuildOptions, build
from generator.catalogues import Catalogue, long_date, number, rendering
from generator.config import load_config
from generator.model import Language
from generator.templates import Templates
from tests.sitekit import REPO, SITE_YAML, THEME, make_site

LOCALES = THEME / "locales"
TWO_LANGUAGES = SITE_YAML + """\
languages:
  - code: en
    name: English
    default: true
  - code: es
    name: Español
    topics:
      calm: {title: Calma, description: Artículos sobre la calma.}
      sleep: {title: Sueño, description: Artículos sobre el sueño.}
"""


def theme_messages() -> set:
    """What `pybabel extract -F babel.cfg` finds in the default theme, run here through Babel's own API."""
    found = set()
    method_map = [("**.html", "jinja2")]
    options = {"**.html": {"trimmed": "true"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(THEME / "templates"), method_map, options_map=options):
        found.add(tuple(message[:2]) if isinstance(message, tuple) else message)
    return found


def po_messages(path: Path) -> dict:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {(tuple(m.id[:2]) if isinstance(m.id, (list, tuple)) else m.id): m for m in catalog if m.id}


def test_the_template_catalogue_lists_every_string_of_the_default_theme():
    assert theme_messages(), "the theme marks no text for translation"
    missing = theme_messages() - set(po_messages(LOCALES / "haven.pot"))
    assert not missing, f"run `make messages`: haven.pot lacks {sorted(map(str, missing))[:5]}"


def test_spanish_translates_every_string_of_the_default_theme():
    spanish = po_messages(LOCALES / "es.po")
    untranslated = []
    for key in theme_messages():
        message = spanish.get(key)
        strings = message.string if message and isinstance(message.string, (list, tuple)) else [message and message.string]
        if message is None or message.fuzzy or not all(strings):
            untranslated.append(key)
    assert not untranslated, f"es.po lacks {sorted(map(str, untranslated))[:5]}"
    assert "NEEDS NATIVE REVIEW" in (LOCALES / "es.po").read_text("utf-8")


def test_a_theme_string_is_never_left_hard_coded_in_english():
    # the words a reader sees in the theme's chrome all come through _() or {% trans %}
    for name in ("Written by", "On this page", "Skip to main content", "Related articles", "Reading time"):
        for template in (THEME / "templates").rglob("*.html"):
            text = template.read_text("utf-8")
            assert f">{name}<" not in text, f"{template.name} hard-codes {name!r}"


def _templates(tmp_path: Path, site_yaml: str = TWO_LANGUAGES) -> Templates:
    site = make_site(tmp_path / "hub", site_yaml=site_yaml)
    config, findings = load_config(site)
    assert config is not None and not [f for f in findings if f.severity == "error"], findings
    templates = Templates(site, config)
    assert templates.load() == []
    return templates


def _render(templates: Templates, source: str, code: str) -> str:
    templates.env.globals["_test_source"] = source
    language = templates.config.language_of(code)
    with rendering(language, templates.catalogues.get(code)):
        return templates.env.from_string(source).render(lang=language)


def test_pages_render_in_the_language_of_the_page(tmp_path):
    templates = _templates(tmp_path)
    source = ('{{ _("Written by") }}|{% trans count=n, minutes=n %}{{ minutes }} minute{% pluralize %}'
              '{{ minutes }} minutes{% endtrans %}|{{ day | long_date }}|{{ big | number }}')
    values = {"n": 1, "day": date(2025, 3, 14), "big": 12345}
    es = templates.catalogues["es"]
    with rendering(templates.config.language_of("es"), es):
        spanish = templates.env.from_string(source).render(**values)
        spanish_many = templates.env.from_string(source).render(**{**values, "n": 2})
    with rendering(templates.config.language_of("en"), None):
        english = templates.env.from_string(source).render(**values)
    assert spanish == "Escrito por|1 minuto|14 de marzo de 2025|12.345"
    assert spanish_many.split("|")[1] == "2 minutos"
    assert english == "Written by|1 minute|14 March 2025|12,345"


def test_a_hub_overrides_and_adds_translations_in_its_own_catalogue(tmp_path):
    site = make_site(tmp_path / "hub", site_yaml=TWO_LANGUAGES)
    (site / "locales").mkdir()
    (site / "locales" / "es.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Written by"\nmsgstr "Texto de"\n\n'
        'msgid "Our own words"\nmsgstr "Nuestras palabras"\n', "utf-8")
    config, _ = load_config(site)
    templates = Templates(site, config)
    assert templates.load() == []
    es = templates.catalogues["es"]
    assert es.gettext("Written by") == "Texto de"            # the hub's entry wins
    assert es.gettext("Our own words") == "Nuestras palabras"  # and it may add its own
    assert es.gettext("On this page") == "En esta página"     # the theme's entries stay


@pytest.mark.parametrize("entry, message", [
    ('msgid "Written by"\nmsgstr "Escrito por %(nombre)s"\n', "placeholder %(nombre)s"),
    ('msgid "Written by"\nmsgstr "100% escrito"\n', "stray % sign"),
    ('msgid "Written by"\nmsgstr "Escrito por"\nwritten by hand\n', "line 5 is not a msgid"),
])
def test_a_broken_hub_catalogue_is_an_error_at_its_line(tmp_path, entry, message):
    site = make_site(tmp_path / "hub", site_yaml=TWO_LANGUAGES)
    (site / "locales").mkdir()
    (site / "locales" / "es.po").write_text('# a comment\n\n' + entry, "utf-8")
    out = tmp_path / "out"
    result = build(BuildOptions(site, out))
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert errors and errors[0].path == "locales/es.po" and errors[0].line >= 3, result.diagnostics
    assert message in errors[0].message
    assert not out.exists()   # nothing written


def test_a_catalogue_in_another_encoding_is_an_error_not_a_traceback(tmp_path):
    site = make_site(tmp_path / "hub", site_yaml=TWO_LANGUAGES)
    (site / "locales").mkdir()
    (site / "locales" / "es.po").write_bytes(b'msgid "Written by"\nmsgstr "Escrito por \xe9l"\n')
    result = build(BuildOptions(site, tmp_path / "out"))
    assert any(d.path == "locales/es.po" and d.severity == "error" for d in result.diagnostics)


def test_a_translation_is_text_never_markup(tmp_path):
    catalogue = Catalogue("es", {"Written by": '<script>alert(1)</script>'})
    templates = _templates(tmp_path)
    with rendering(templates.config.language_of("es"), catalogue):
        html = templates.env.from_string('{{ _("Written by") }}').render()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_underscore_and_trans_fill_placeholders_escaped_as_jinja_newstyle_gettext_does(tmp_path):
    """`_()` and `{% trans %}` take a short path to the catalogue; what a page gets must be what Jinja's
    newstyle gettext gives: the translation escaped, %(name)s filled with escaped values, %% a percent sign."""
    catalogue = Catalogue("es", {"Every article on %(site)s, newest first.": "Todo %(site)s <al día>",
                                 "Written by": "Escrito por"})
    templates = _templates(tmp_path)
    source = ('{{ _("Every article on %(site)s, newest first.", site=name) }}|{{ _("100%% plain") }}|'
              '{{ gettext("Written by") }}|{% trans who=name %}By {{ who }}{% endtrans %}|{{ _("Written by") | length }}')
    with rendering(templates.config.language_of("es"), catalogue):
        spanish = templates.env.from_string(source).render(name="<b>Calma</b>")
    assert spanish == ("Todo &lt;b&gt;Calma&lt;/b&gt; &lt;al día&gt;|100% plain|Escrito por|"
                       "By &lt;b&gt;Calma&lt;/b&gt;|11")


def test_check_lists_the_strings_missing_in_a_language(tmp_path):
    site_yaml = TWO_LANGUAGES.replace("  - code: es\n    name: Español\n", "  - code: fr\n    name: Français\n") \
        .replace("Calma", "Calme").replace("Sueño", "Sommeil")
    site = make_site(tmp_path / "hub", site_yaml=site_yaml)
    result = build(BuildOptions(site, tmp_path / "out", write=False))
    found = [d for d in result.diagnostics if d.code == "missing-translations"]
    assert len(found) == 1, result.diagnostics
    finding = found[0]
    assert finding.path == "site.yaml" and finding.line > 1
    total = len(theme_messages())
    assert f"{total} interface strings are not translated into Français (fr)" in finding.message
    assert '"Page not found" (404.html)' in finding.message and "more" in finding.message


def test_a_complete_language_has_no_missing_strings_finding(tmp_path):
    site = make_site(tmp_path / "hub", site_yaml=TWO_LANGUAGES)
    result = build(BuildOptions(site, tmp_path / "out", write=False))
    assert not [d for d in result.diagnostics if d.code == "missing-translations"], result.diagnostics


def test_english_dates_keep_day_month_year_and_spanish_uses_cldr():
    day = date(2026, 1, 2)
    assert long_date(day) == "2 January 2026"
    with rendering(Language("es", "Español", default=False), None):
        assert long_date(day) == "2 de enero de 2026"
        assert number(1234567) == "1.234.567"
    with rendering(Language("ar", "العربية", dir="rtl", default=False), None):
        assert long_date(day) != "2 January 2026"


def test_the_babel_map_points_at_the_theme():
    assert "generator/theme/templates/**.html" in (REPO / "babel.cfg").read_text("utf-8")


def test_a_catalogue_linked_from_outside_the_hub_is_not_read(tmp_path):
    outside = tmp_path / "secret.po"
    outside.write_text('msgid "Written by"\nmsgstr "LEAKED"\n', "utf-8")
    site = make_site(tmp_path / "hub", site_yaml=TWO_LANGUAGES)
    (site / "locales").mkdir()
    (site / "locales" / "es.po").symlink_to(outside)
    result = build(BuildOptions(site, tmp_path / "out"))
    assert any(d.code == "outside-hub" and d.path == "locales/es.po" for d in result.diagnostics), result.diagnostics
    assert not (tmp_path / "out").exists() or "LEAKED" not in "".join(
        p.read_text("utf-8") for p in (tmp_path / "out").rglob("*.html"))


def test_arabic_takes_cldr_s_six_plural_forms(tmp_path):
    import shutil

    hub = tmp_path / "rtl"
    shutil.copytree(REPO / "tests" / "hubs" / "rtl", hub)
    config, _ = load_config(hub)
    templates = Templates(hub, config)
    assert templates.load() == []
    arabic = templates.catalogues["ar"]
    source = "{% trans count=n, minutes=n %}{{ minutes }} minute{% pluralize %}{{ minutes }} minutes{% endtrans %}"
    with rendering(config.language_of("ar"), arabic):
        shown = {n: templates.env.from_string(source).render(n=n) for n in (1, 2, 5, 11, 100)}
    assert shown == {1: "دقيقة واحدة", 2: "دقيقتان", 5: "5 دقائق", 11: "11 دقيقة", 100: "100 دقيقة"}
