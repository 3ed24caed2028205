"""Crisis resources per region and language, the help page, report-a-problem links and their checks:
what a writer sees for each mistake (file:line and the fix), and what a reader gets in the built pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from generator.build import BuildOptions, build
from generator.checks.reader_help import check_contact, check_crisis_languages
from generator.config import load_config
from generator.model import Contact, CrisisResource
from tests.publishkit import build_ok, copy_sample
from tests.sitekit import SITE_YAML, article, make_site

REPO = Path(__file__).resolve().parent.parent


def config_of(tmp_path: Path, site_yaml: str):
    (tmp_path / "site.yaml").write_text(site_yaml, "utf-8")
    return load_config(tmp_path)


def with_crisis(crisis_block: str, extra: str = "") -> str:
    """The fixture hub's site.yaml with its `crisis:` block replaced."""
    head = SITE_YAML.split("crisis:")[0]
    return head + extra + "crisis:\n" + textwrap.indent(textwrap.dedent(crisis_block).strip("\n"), "  ") + "\n"


def formatted(findings) -> list[str]:
    return [f.format() for f in findings]


# --- the sample hub ---------------------------------------------------------------------------------


def test_sample_hub_lists_services_in_the_page_language_first():
    config, findings = load_config(REPO)
    assert [f for f in findings if f.severity == "error"] == []
    spanish = config.crisis.for_language("es")
    english = config.crisis.for_language("en-US")
    assert {r.name for r in spanish} == {r.name for r in english} == {r.name for r in config.crisis.resources}
    assert all("es" in r.languages for r in spanish[:2]) and "es" not in spanish[2].languages
    assert all("en" in r.languages for r in english[:3]) and "en" not in english[3].languages
    assert config.crisis.text("heading", "es") == "¿Necesitas ayuda ahora?"
    assert config.crisis.text("heading", "en-US") == "Need help now?"
    shout = next(r for r in config.crisis.resources if r.name == "Shout")
    assert shout.sms_href == "sms:85258?&body=SHOUT"
    assert [n.tel_href for n in config.crisis.emergency_numbers] == ["tel:911", "tel:999", "tel:112", "tel:000"]


def test_sample_spanish_services_are_not_claimed_as_verified():
    """The two Spanish services were not checked live from here: no date, and the check says so."""
    config, _ = load_config(REPO)
    spanish_only = [r for r in config.crisis.resources if r.languages == ("es",)]
    assert {r.phone for r in spanish_only} == {"024", "988"}
    assert all(r.verified_on is None for r in spanish_only)
    out = subprocess.run([sys.executable, "-m", "generator", "check", "--site", str(REPO), "--format", "lines"],
                         capture_output=True, text=True, cwd=REPO)
    unverified = [line for line in (out.stdout + out.stderr).splitlines() if "crisis-resource-unverified" in line]
    assert len(unverified) == 2 and all(line.startswith("site.yaml:") for line in unverified)


# --- links a phone can act on -------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "href"), [
    ({"sms": "85258", "sms_keyword": "SHOUT"}, "sms:85258?&body=SHOUT"),
    ({"sms": "988"}, "sms:988"),
    ({"sms": "+44 7700 900 123", "sms_keyword": "HELP ME & NOW"}, "sms:+447700900123?&body=HELP%20ME%20%26%20NOW"),
])
def test_sms_links_carry_the_keyword_in_the_cross_platform_body_form(fields, href):
    assert CrisisResource(name="x", **fields).sms_href == href


def test_tel_links_hold_only_digits_and_a_leading_plus():
    assert CrisisResource(name="x", phone="116 123").tel_href == "tel:116123"
    assert CrisisResource(name="x", phone="+1 (800) 555-0100").tel_href == "tel:+18005550100"


def test_report_link_round_trips_title_and_address_exactly():
    title = 'Anxiety & you: "why?" #1 — ça va\nnext line'
    page = "https://hub.example.org/articles/a-b/?x=1&y=2#top"
    href = Contact(address="fix@hub.example.org").report_href(page, title)
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and parts.path == "fix@hub.example.org"
    assert not re.search(r"[ \n&?#\"]", href.split("?", 1)[1].replace("&body=", "", 1)), "unencoded character"
    fields = parse_qs(parts.query)
    assert fields["subject"] == ["Problem with: " + " ".join(title.split())]  # one line: no header injection
    assert title.replace("\n", "\r\n") in fields["body"][0] and page in fields["body"][0]
    form = Contact(form="https://hub.example.org/feedback/").report_href(page, title)
    assert parse_qs(urlsplit(form).query) == {"page": [page], "title": [" ".join(title.split())]}


# --- what a writer sees -------------------------------------------------------------------------------


def test_the_old_crisis_shape_keeps_working_with_a_warning_saying_what_to_write(tmp_path):
    old = with_crisis("""
        heading: Need help now?
        resources:
          - region: United Kingdom and Ireland
            name: Samaritans
            phone: "116 123"
            verified_on: 2026-11-01
          - region: United Kingdom
            name: Shout
            text: "Text SHOUT to 85258"
            verified_on: 2026-11-01
          - name: Somewhere
            text: "Text us any time"
    """)
    config, findings = config_of(tmp_path, old)
    lines = old.splitlines()
    shout_text = lines.index('      text: "Text SHOUT to 85258"') + 1
    vague_text = lines.index('      text: "Text us any time"') + 1
    assert formatted(findings) == [
        f"site.yaml:{shout_text}:7: warning: Shout: `text: Text SHOUT to 85258` is read as `sms: \"85258\"` and "
        "`keyword: SHOUT`, so readers can tap it - write `sms: \"85258\"` and `keyword: SHOUT` instead of `text:` "
        "[crisis-resource-old-shape]",
        f"site.yaml:{vague_text}:7: error: Somewhere: `text: Text us any time` names no number to text, so readers "
        "cannot tap it - write `sms: \"NUMBER\"` (the number to text) and, if the service asks for a word, "
        "`keyword: WORD` [crisis-resource-invalid]",
    ]
    samaritans, shout = config.crisis.resources
    # a one-language hub's old list: every service answers in the hub's language; regions stay unknown
    assert samaritans.languages == shout.languages == ("en",) and samaritans.regions == ()
    assert shout.sms_href == "sms:85258?&body=SHOUT"


@pytest.mark.parametrize(("field", "message", "hint"), [
    ("url: javascript:alert(1)", "crisis resource url: 'javascript:alert(1)' cannot be published", ""),
    ("url: data:text/html,<b>x</b>", "cannot be published", ""),
    ("url: mailto:help@example.org", "url 'mailto:help@example.org' is not a web address", "https://"),
    ("regions: [uk]", "'uk' is not a region code", "ISO 3166 has no 'UK': use GB"),
    ("regions: [gb]", "'gb' is not a region code", "in capitals: GB"),
    ("regions: United States", "'United States' is not a region code", "two capital letters"),
    ("languages: [EN]", "'EN' is not a language code", "small letters: en"),
    ("phone: 1-800-273-TALK", "phone '1-800-273-TALK' is not a number to dial", "in digits"),
    ("phone: \"<script>\"", "is not a number to dial", "in digits"),
    ("keyword: SHOUT", "has a `keyword:` but no `sms:` number", "sms:"),
    ("text: Call us", "names no number to text", 'sms: "NUMBER"'),
    ("regions: [[GB]]", "a list is not a region code", "ISO 3166"),
])
def test_hostile_or_mistyped_resource_fields_are_errors_at_the_resource(tmp_path, field, message, hint):
    fields = {"name": "Test line", "regions": "[ZZ]", "languages": "[en]", "phone": '"555 0100"'}
    key, _, value = field.partition(": ")
    fields[key] = value
    body = "\n".join(f"    {k}: {v}" if i else f"  - {k}: {v}" for i, (k, v) in enumerate(fields.items()))
    yaml_text = with_crisis("resources:\n" + body)
    config, findings = config_of(tmp_path, yaml_text)
    item_line = next(n for n, line in enumerate(yaml_text.splitlines(), 1) if line.strip().startswith(f"{key}: "))
    matching = [f for f in findings if message in f.message]
    assert matching, formatted(findings)
    # at the field itself (its line), an error, with the fix
    assert matching[0].line == item_line and matching[0].severity == "error" and hint in matching[0].hint
    if key == "url":   # a refused address is left out; the rest of the service still shows
        [resource] = config.crisis.resources
        assert resource.url == "" and resource.tel_href == "tel:5550100"
    else:              # any other error leaves the resource out whole: nothing half-read reaches a page
        assert config.crisis.resources == () and config.crisis.unreadable == 1


@pytest.mark.parametrize("crisis_value", ["[1, 2]", "just text", "{resources: {a: 1}}", "{resources: [1, two]}",
                                          "{emergency_numbers: {a: 1}}", "{emergency_numbers: [{number: abc}]}",
                                          "{risk_terms: [suicide]}", "{risk_terms: {en: [[1], 2]}}",
                                          "{heading: {en: [1]}}", "{heading: {'not a code': x}}"])
def test_malformed_crisis_settings_never_raise(tmp_path, crisis_value):
    yaml_text = SITE_YAML.split("crisis:")[0] + f"crisis: {crisis_value}\n"
    config, findings = config_of(tmp_path, yaml_text)
    assert config is not None and findings, "a malformed setting must be reported"
    assert all(f.path == "site.yaml" and f.line >= 1 and f.hint for f in findings)


def test_a_page_language_without_a_service_is_an_error(tmp_path):
    config, _ = config_of(tmp_path, SITE_YAML + "      languages: [en]\n")
    [finding] = check_crisis_languages(config, ["en", "es"])
    assert (finding.severity, finding.code) == ("error", "crisis-language-missing")
    assert "'es'" in finding.message and "languages: [es]" in finding.hint
    assert finding.line == SITE_YAML.splitlines().index("crisis:") + 1
    assert check_crisis_languages(config, ["en-GB", "en"]) == []


def test_missing_contact_is_a_warning_and_foreign_forms_are_refused(tmp_path):
    config, _ = config_of(tmp_path, SITE_YAML)
    [finding] = check_contact(config)
    assert (finding.severity, finding.code) == ("warning", "contact-missing")
    for value, ok in [("https://test.example.org/feedback/", True), ("mailto:fix@test.example.org", True),
                      ("https://forms.tracker.example.com/x", False), ("javascript:alert(1)", False),
                      ("[a, b]", False), ("not an address", False), ("a@test.example.org?bcc=x@evil.example", False)]:
        config, findings = config_of(tmp_path, SITE_YAML + f"contact: {value}\n")
        reachable = bool(config.contact.address or config.contact.form)
        assert reachable is ok, value
        expected = [] if ok else (["field-type"] if value.startswith("[") else ["contact-invalid"])
        assert [f.code for f in findings] == expected, value


# --- what a reader gets in the built pages -------------------------------------------------------------


@pytest.fixture(scope="module")
def built(sample_hub):
    return sample_hub.out   # the repository's sample hub, built once per test process (conftest)


def test_help_button_follows_the_skip_link_on_every_page(built):
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text("utf-8")
        skip, help_link = html.index('class="skip-link"'), html.index('class="help-link"')
        assert skip < help_link < html.index('class="site-name"') < html.index('class="site-nav"'), page
        # each language's pages link their own help page (/es/help/ for the Spanish ones)
        assert re.search(r'<a class="help-link" href="(/es)?/help/"', html), page


def test_help_page_works_without_javascript_and_lists_every_way_to_reach_help(built):
    html = (built / "help" / "index.html").read_text("utf-8")
    assert "<script" not in html.split("</head>")[1], "the help page's body needs no script"
    for href in ("tel:988", "tel:116123", "sms:85258?&amp;body=SHOUT", "sms:988", "tel:024", "tel:911", "tel:112"):
        assert f'href="{href}"' in html, href
    assert html.count('id="crisis-help"') == 1, "the help page is the crisis region: not repeated"
    assert "not yet checked these details" in html  # the unverified Spanish services say so


def test_every_article_offers_a_prefilled_report_and_the_about_page_names_the_route(built):
    for page in (built / "articles").glob("*/index.html"):
        html = page.read_text("utf-8")
        [href] = re.findall(r'<p class="report-problem"><a href="([^"]+)"', html)
        href = href.replace("&amp;", "&")
        title = re.search(r'<h1 id="article-title">(.*?)</h1>', html).group(1)
        fields = parse_qs(urlsplit(href).query)
        assert href.startswith("mailto:corrections@haven.example.org?")
        assert fields["subject"][0].endswith(unquote(title).replace("&amp;", "&").replace("&#39;", "'"))
        assert f"https://haven.example.org/articles/{page.parent.name}/" in fields["body"][0]
    about = (built / "about" / "index.html").read_text("utf-8")
    assert "Report a problem with this page" in about and "corrections@haven.example.org" in about


def test_search_page_carries_the_risk_terms_of_every_language_page_language_first(built):
    html = (built / "search" / "index.html").read_text("utf-8")
    raw = re.search(r"data-risk-terms='([^']*)'", html).group(1)
    pairs = json.loads(raw.replace("&#34;", '"').replace("&amp;", "&"))
    terms = dict(pairs)
    assert [code for code, _ in pairs] == ["en", "es"] and "suicide" in terms["en"] and "quiero morir" in terms["es"]
    assert 'id="search-help"' in html and "hidden" in re.search(r'<section id="search-help"[^>]*>', html).group(0)


def test_a_hub_page_at_the_help_address_is_an_error(tmp_path):
    site = make_site(tmp_path / "site", {"calm.md": article("Calm")})
    (site / "pages").mkdir(exist_ok=True)
    (site / "pages" / "help.md").write_text("---\ntitle: Help\nsummary: Our help.\ndate: 2026-01-01\n---\nText.\n")
    result = build(BuildOptions(site, site / "output"))
    assert not result.ok
    [finding] = [d for d in result.diagnostics if d.code == "help-page-taken"]
    assert finding.path == "pages/help.md" and "slug:" in finding.hint
    assert not (site / "output").exists()


def test_related_articles_leave_out_the_next_article(built):
    for page in (built / "articles").glob("*/index.html"):
        html = page.read_text("utf-8")
        following = re.search(r'<a rel="next" href="([^"]+)"', html)
        related = html.split('id="related"', 1)[1] if 'id="related"' in html else ""
        if following:
            assert f'href="{following.group(1)}"' not in related, page


def test_reference_back_links_name_the_section_they_return_to(built):
    html = (built / "articles" / "empathy-vs-sympathy" / "index.html").read_text("utf-8")
    backlinks = re.findall(r'<p class="backlinks">Cited in: (.*?)</p>', html)
    assert backlinks
    texts = [t for line in backlinks for t in re.findall(r'<a href="#cite-\d+">([^<]+)</a>', line)]
    assert texts and not any(t.strip().isdigit() for t in texts)
    headings = set(re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', html)) | {"the introduction"}
    titles = {h.replace("&ldquo;", "“").replace("&rdquo;", "”") for h in headings}
    assert all(re.sub(r", \d+(st|nd|rd|th) mention$", "", t) in titles for t in texts), texts
    for entry in re.findall(r'<div id="ref-[^"]+" class="csl-entry">(.*?)</div>', html, re.S):
        assert "Cited in" not in entry, "back-links go beside the entry, not inside it"


def test_future_verification_dates_are_not_trusted():
    from datetime import date

    from generator.checks.crisis import check_crisis_resources

    entry = {"name": "Line", "phone": "1", "verified_on": "2030-01-01"}
    [finding] = check_crisis_resources("site.yaml", [(entry, 12)], date(2026, 11, 30))
    assert finding.code == "crisis-resource-unverified" and "still to come" in finding.message


def test_risk_terms_with_quotes_and_markup_stay_data(tmp_path):
    yaml_text = SITE_YAML.replace("  resources:\n", "  risk_terms: {en: [\"it's </script> \\\"x\\\"\", suicide]}\n  resources:\n")
    site = make_site(tmp_path / "site", {"calm.md": article("Calm")}, site_yaml=yaml_text)
    result = build(BuildOptions(site, site / "output"))
    assert result.ok, [d.format() for d in result.diagnostics]
    html = (site / "output" / "search" / "index.html").read_text("utf-8")
    raw = re.search(r"data-risk-terms='([^']*)'", html).group(1)
    assert "</script>" not in raw and "'" not in raw
    import html as html_lib
    assert dict(json.loads(html_lib.unescape(raw)))["en"][0] == 'it\'s </script> "x"'


def test_the_footnotes_heading_stays_out_of_search_excerpts(tmp_path):
    from generator import search_index

    body = "Breathing helps[^a]. You can try it now.\n\n[^a]: A note about breathing.\n"
    site = make_site(tmp_path / "site", {"calm.md": article("Calm", body=body)})
    result = build(BuildOptions(site, site / "output", search_index=False))
    assert result.ok
    [calm] = result.site.articles
    assert 'data-pagefind-ignore' in calm.body_html and ">Notes</h2>" in calm.body_html
    text = search_index.body_text(calm)
    assert "Notes" not in text.split() and "A note about breathing." in text


def test_a_spanish_hub_shows_spanish_help_first_on_every_page(tmp_path):
    site = copy_sample(tmp_path / "site")
    text = (site / "site.yaml").read_text("utf-8")
    text = text[: text.index("\nlanguages:")] + "\n"   # one language only: Spanish (its translations go too)
    for folder in (site / "articles" / "es", site / "pages" / "es"):
        shutil.rmtree(folder)
    (site / "site.yaml").write_text(re.sub(r"(?m)^language: .*$", "language: es", text), "utf-8")
    build_ok(site)
    out = site / "output"
    for page in [out / "help" / "index.html", out / "index.html", out / "articles" / "empathy-vs-sympathy" / "index.html"]:
        html = page.read_text("utf-8")
        assert '<html lang="es" dir="ltr">' in html
        assert re.search(r'<a class="help-link" href="/help/"( aria-current="page")?>¿Necesitas ayuda ahora\?</a>', html)
        services = re.findall(r'<li class="crisis-service" data-languages="([^"]*)">', html)
        assert services[:2] == ["es", "es"] and "es" not in services[2].split(), (page, services)
    help_page = (out / "help" / "index.html").read_text("utf-8")
    assert '<h1 id="help-heading">¿Necesitas ayuda ahora?</h1>' in help_page
    assert "Llama al 988 y marca el 2 para hablar en español." in help_page and "Reino Unido" in help_page
    assert "España, el resto de la UE y el Reino Unido" in help_page
    search = (out / "search" / "index.html").read_text("utf-8")
    raw = re.search(r"data-risk-terms='([^']*)'", search).group(1)
    assert [code for code, _ in json.loads(raw.replace("&#34;", '"'))] == ["es", "en"], "Spanish terms first"


def test_articles_about_suicide_open_with_tap_to_call_help(tmp_path):
    body = "This article is about suicide prevention and how to talk about it.\n\n## Talking\n\nAsk directly.\n"
    site = make_site(tmp_path / "site", {"talk.md": article("Talking about suicide", body=body)})
    build_ok(site)
    html = (site / "output" / "articles" / "talk" / "index.html").read_text("utf-8")
    note = re.search(r'<p class="help-note" id="help-note">(.*?)</p>', html, re.S).group(1)
    assert '<a href="tel:5550100">call <bdi dir="ltr">555 0100</bdi></a>' in note and '<a href="/help/">All help services</a>' in note
    assert html.index('id="help-note"') < html.index('class="prose"')
