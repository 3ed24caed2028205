"""Templates are contributors' files: they render in Jinja's sandbox, within a time limit, and every
failure names the template line and the page being rendered, with no traceback and the previous
output untouched."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from generator.build import BuildOptions, build
from generator.cli import main
from tests.sitekit import SITE_YAML, make_site, snapshot

# Each template is written to templates/404.html as line 2 (line 1 is a comment).
HOSTILE_TEMPLATES = [
    ("python internals", "{{ ''.__class__.__mro__[1].__subclasses__() }}", ["templates may not do this", "__class__"]),
    ("function globals", "{{ url.__globals__['__builtins__'] }}", ["templates may not do this"]),
    ("format string escape", "{{ '{0.__class__}'.format(config) }}", ["templates may not do this"]),
    ("changing the site's data", "{{ config.extra.update({'a': 1}) }}", ["templates may not do this"]),
    ("undefined name", "{{ nothing_here.at_all }}", ["'nothing_here' is undefined"]),
    ("recursive macro", "{% macro again(n) %}{{ again(n) }}{% endmacro %}{{ again(1) }}",
     ["a macro or include calls itself without end"]),
    ("type error", "{{ 1 + page_title }}", ["template failed"]),
    ("failing filter", "{{ 'not a date' | long_date }}", ["template failed"]),
    ("huge repetition", "{{ 'x' * 10000000000 }}", ["too large"]),
    ("huge range", "{% for i in range(10 ** 9) %}{% endfor %}", ["template failed"]),
    ("huge power", "{{ 7 ** 99999999 }}", ["too long"]),
    ("huge format width", "{{ '%99999999s' % 'x' }}", ["width this large"]),
    ("huge str.format width", "{{ '{:>99999999}'.format('x') }}", ["width this large"]),
    # the sandbox answers an attribute it has seen before from memory: a format method still is not
    ("huge str.format width, second look", "{% for w in ['{}', '{:>99999999}'] %}{{ w.format('x') }}{% endfor %}",
     ["width this large"]),
    ("translation function globals", "{{ _.__globals__ }}", ["templates may not do this"]),
    ("huge center", "{{ 'x' | center(999999999) }}", ["width over"]),
    ("include outside templates", "{% include '../../../../etc/passwd' %}", ["there is no template", "cannot reach files"]),
    ("include by absolute path", "{% include '/etc/passwd' %}", ["there is no template"]),
    ("template includes itself", "{% include '404.html' %}", ["calls itself without end"]),
    ("template extends itself", "{% extends '404.html' %}", ["calls itself without end"]),
    ("loop internals", "{% for x in [1] %}{{ loop.__class__ }}{% endfor %}", ["templates may not do this"]),
    ("attr filter", "{{ config | attr('__class__') }}", ["templates may not do this"]),
]


def _hub(tmp_path, seconds: float = 60):
    return make_site(tmp_path / "s", site_yaml=SITE_YAML + f"limits: {{render_seconds: {seconds}}}\n")


@pytest.mark.parametrize("name,template,words", HOSTILE_TEMPLATES, ids=[t[0] for t in HOSTILE_TEMPLATES])
def test_hostile_template_is_an_error_at_its_line(tmp_path, capsys, name, template, words):
    site = _hub(tmp_path)
    assert main(["build", "--site", str(site)]) == 0
    capsys.readouterr()
    before = snapshot(site / "output")
    (site / "templates" / "404.html").write_text("{# a contributor's template #}\n" + template + "\n")
    code = main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err and len(err.splitlines()) < 5, err
    hit = next(line for line in err.splitlines() if ": error: " in line)
    assert hit.startswith("templates/404.html:2:1: error: template failed while rendering the page /404.html"), hit
    assert "[template-error]" in hit and " - " in hit
    for word in words:
        assert word in hit, (word, hit)
    assert snapshot(site / "output") == before


def test_failure_in_an_included_template_names_that_file_and_the_article(tmp_path, capsys):
    site = _hub(tmp_path)
    (site / "templates" / "partials" / "boom.html").write_text("fine\nfine\n{{ meta.no_such_field.x }}\n")
    article = site / "templates" / "article.html"
    article.write_text(article.read_text().replace("{% block main %}", "{% block main %}{% include 'partials/boom.html' %}", 1))
    code = main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    hits = [line for line in err.splitlines() if line.startswith("templates/partials/boom.html:3:1: error:")]
    assert hits and "while rendering articles/" in hits[0], err


@pytest.mark.slow   # waits for a render time limit to run out
def test_a_template_that_never_ends_is_stopped(tmp_path, capsys):
    site = _hub(tmp_path, seconds=3)
    assert main(["build", "--site", str(site)]) == 0
    capsys.readouterr()
    before = snapshot(site / "output")
    (site / "templates" / "404.html").write_text(
        "{# for ever #}\n{% set n = range(100000) | list %}{% for a in n %}{% for b in n %}{% for c in n %}"
        "{% endfor %}{% endfor %}{% endfor %}\n")
    code = main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    hit = next(line for line in err.splitlines() if ": error: " in line)
    assert hit.startswith("templates/404.html:2:1: error: template failed while rendering the page /404.html: "
                          "it ran for more than 3 seconds"), hit
    assert "limits: {render_seconds" in hit
    assert snapshot(site / "output") == before


@pytest.mark.slow   # waits for a render time limit to run out
def test_the_limit_stops_a_render_in_a_thread_as_the_preview_server_renders(tmp_path):
    site = _hub(tmp_path, seconds=3)
    (site / "templates" / "404.html").write_text(
        "{% set n = range(100000) | list %}{% for a in n %}{% for b in n %}{% endfor %}{% endfor %}\n")
    results = []
    worker = threading.Thread(target=lambda: results.append(build(BuildOptions(site, site / "output"))))
    worker.start()
    worker.join(120)
    assert not worker.is_alive() and results
    [finding] = [d for d in results[0].diagnostics if d.severity == "error"]
    assert (finding.path, finding.line, finding.code) == ("templates/404.html", 1, "template-error")
    assert "ran for more than 3 seconds" in finding.message
    assert not (site / "output").exists()


# Run in a fresh, single-threaded interpreter: rendering forks only from such a process, and a pytest
# worker (xdist) has threads of its own, so in-process this test could only ever skip.
_FORKED_BUILD = """
import json, os, sys
from pathlib import Path
from generator import render
from generator.build import BuildOptions, build
site, marks = Path(sys.argv[1]), Path(sys.argv[2])
render.PARALLEL_RENDER_THRESHOLD = 1   # fork even for a small hub
original = render._render_forked
def marked(chunk):
    (marks / str(os.getpid())).touch()   # shows rendering happened in a forked worker
    return original(chunk)
render._render_forked = marked
result = build(BuildOptions(site, site / "output"))
errors = [[d.path, d.message] for d in result.diagnostics if d.severity == "error"]
print(json.dumps({"pid": os.getpid(), "errors": errors}))
"""


@pytest.mark.slow   # waits for a render time limit to run out
def test_the_limit_stops_a_render_in_forked_workers(tmp_path):
    marks = tmp_path / "forked"
    marks.mkdir()
    site = _hub(tmp_path, seconds=3)
    (site / "templates" / "topic.html").write_text(
        "{% set n = range(100000) | list %}{% for a in n %}{% for b in n %}{% endfor %}{% endfor %}\n")
    proc = subprocess.run([sys.executable, "-c", _FORKED_BUILD, str(site), str(marks)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    assert any(int(p.name) != outcome["pid"] for p in marks.iterdir()), "rendered in forked workers"
    errors = outcome["errors"]
    assert errors and errors[0][0] == "templates/topic.html" and "ran for more than 3 seconds" in errors[0][1]
    assert "while rendering the page /topics/" in errors[0][1]
    assert not (site / "output").exists()


@pytest.mark.parametrize("value,words", [
    ("0", "must be a positive number"), ("[1, 2]", "must be a positive number"), ("'soon'", "must be a positive number"),
])
def test_a_bad_time_limit_is_an_error_in_site_yaml(tmp_path, capsys, value, words):
    site = make_site(tmp_path / "s", site_yaml=SITE_YAML + f"limits: {{render_seconds: {value}}}\n")
    code = main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    assert any(line.startswith("site.yaml:25:26: error:") and "limits.render_seconds" in line and words in line
               for line in err.splitlines()), err


@pytest.mark.slow   # a preview, and a render time limit that runs out
@pytest.mark.parametrize("template,words", [
    ("{% macro again(n) %}{{ again(n) }}{% endmacro %}{{ again(1) }}", "calls itself without end"),
    ("{% set n = range(100000) | list %}{% for a in n %}{% for b in n %}{% endfor %}{% endfor %}",
     "ran for more than 3 seconds"),
])
def test_the_preview_reports_a_template_failure_as_the_template_s_not_haven_s(tmp_path, template, words):
    from tests.servekit import TIMEOUT, Running, hub

    site = hub(tmp_path / "hub")
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "limits: {render_seconds: 3}\n")
    run = Running(site)
    try:
        assert run.result.ok, run.log.getvalue()
        good = run.page("/404.html")
        (site / "templates" / "404.html").write_text("{# a contributor's template #}\n" + template + "\n")
        run.sync("templates")
        event = run.stream.next_event(TIMEOUT, ("failed",))
        [found] = event[1]["errors"]
        assert (found["path"], found["line"]) == ("templates/404.html", 2)
        assert words in found["message"] and "the page /404.html" in found["message"]
        assert "bug in Haven" not in run.log.getvalue() and "Traceback" not in run.log.getvalue()
        assert run.page("/404.html") == good   # the last good page is still served
    finally:
        run.stop()


@pytest.mark.parametrize("template,where", [
    ("{% if true %}" * 2000 + "x" + "{% endif %}" * 2000, "templates/404.html:1:1: error: template syntax error"),
    ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "templates/404.html:1:1: error: template syntax error"),
    ("{% for a in [1] %}" * 30 + "x" + "{% endfor %}" * 30, "templates/404.html:1:1: error: template failed"),
], ids=["2,000 nested ifs", "3,000 nested brackets", "30 nested loops"])
def test_a_template_nested_too_deeply_is_an_error_not_a_crash(tmp_path, capsys, template, where):
    site = _hub(tmp_path)
    assert main(["build", "--site", str(site)]) == 0
    capsys.readouterr()
    before = snapshot(site / "output")
    (site / "templates" / "404.html").write_text(template + "\n")
    code = main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "RecursionError" not in err, err
    hit = next(line for line in err.splitlines() if ": error: " in line)
    assert hit.startswith(where) and "nested too deeply" in hit, hit
    assert snapshot(site / "output") == before
