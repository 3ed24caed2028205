"""The haven command: build, check, new, usage errors, exit statuses, output folder safety."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import yaml

from generator.cli import main
from tests.sitekit import make_site, snapshot


def test_python_m_generator_works_like_haven(tmp_path):
    site = make_site(tmp_path / "s")
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    summary = proc.stderr.strip().splitlines()[-1]
    assert summary.startswith("haven: built ") and "written" in summary and "unchanged" in summary
    assert "removed" in summary and "warning" in summary and summary.endswith(" s")


def test_the_program_exits_quickly_with_everything_said(tmp_path):
    """`haven` leaves without tearing its heap down (os._exit): what it printed to pipes still arrives,
    whole, and the exit status is main's."""
    site = make_site(tmp_path / "s")
    listed = subprocess.run([sys.executable, "-m", "generator", "check", "--list"], capture_output=True, text=True)
    assert listed.returncode == 0
    rows = listed.stdout.splitlines()
    assert rows[0].split()[:2] == ["code", "default"] and len(rows) > 50 and listed.stdout.endswith("\n")
    missing = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(tmp_path / "none")],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "site.yaml" in missing.stderr
    (site / "articles" / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    failed = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)],
                            capture_output=True, text=True)
    assert failed.returncode == 1 and "articles/broken.md:2:" in failed.stderr


def test_check_writes_nothing(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    assert main(["check", "--site", str(site)]) == 0
    assert not (site / "output").exists()
    assert "No problems found" in capsys.readouterr().out


def test_second_build_writes_nothing(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    assert main(["build", "--site", str(site)]) == 0
    before = snapshot(site / "output")
    assert main(["build", "--site", str(site)]) == 0
    assert snapshot(site / "output") == before
    assert " 0 written" in capsys.readouterr().err.splitlines()[-1]


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["build", "--site", str(tmp_path)]) == 2  # no site.yaml
    assert "no site.yaml" in capsys.readouterr().err
    try:
        main(["frobnicate"])
    except SystemExit as exc:
        assert exc.code == 2


def test_refuses_to_build_into_a_folder_it_did_not_make(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    home = tmp_path / "home"
    home.mkdir()
    (home / "precious.txt").write_text("keep me")
    assert main(["build", "--site", str(site), "--out", str(home)]) == 2
    assert (home / "precious.txt").read_text() == "keep me"
    assert sorted(p.name for p in home.iterdir()) == ["precious.txt"]
    assert "not made by Haven" in capsys.readouterr().err
    assert main(["build", "--site", str(site), "--out", str(site)]) == 2
    assert main(["build", "--site", str(site), "--out", str(site / "articles")]) == 2
    # the cache's folder, even before the cache exists (the cache would write into the site, and the site
    # into the page store)
    assert main(["build", "--site", str(site), "--out", str(site / ".haven-cache" / "site")]) == 2
    assert not (site / ".haven-cache").exists()


def test_removes_only_files_it_wrote(tmp_path):
    site = make_site(tmp_path / "s")
    assert main(["build", "--site", str(site)]) == 0
    mine = site / "output" / "notes.txt"
    mine.write_text("the deployer's own file")
    (site / "articles" / "second-steps.md").unlink()
    (site / "articles" / "first-steps.md").write_text((site / "articles" / "first-steps.md").read_text()
                                                      .replace("next: second-steps\n", ""))
    assert main(["build", "--site", str(site)]) == 0
    assert not (site / "output" / "articles" / "second-steps").exists()
    assert mine.read_text() == "the deployer's own file"


def test_new_writes_a_ready_article(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    assert main(["new", "Coping with: stress", "--site", str(site), "--author", "sam-sample", "--topic", "calm"]) == 0
    path = site / "articles" / "coping-with-stress.md"
    text = path.read_text()
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"] == "Coping with: stress"
    assert front["author"] == "sam-sample" and front["topics"] == ["calm"]
    assert str(front["date"]) == date.today().isoformat()
    assert main(["build", "--site", str(site)]) == 0, capsys.readouterr().err
    assert (site / "output" / "articles" / "coping-with-stress" / "index.html").exists()
    # a second article with the same title gets a unique slug, never overwriting the first
    assert main(["new", "Coping with: stress", "--site", str(site), "--author", "sam-sample"]) == 0
    assert (site / "articles" / "coping-with-stress-2.md").exists()
    assert path.read_text() == text
    # an explicit slug that exists is refused
    assert main(["new", "Other", "--site", str(site), "--author", "sam-sample", "--slug", "coping-with-stress"]) == 2
    assert path.read_text() == text
    assert "never overwrites" in capsys.readouterr().err


def test_new_rejects_unknown_ids_with_a_suggestion(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    assert main(["new", "X", "--site", str(site), "--author", "alex-exmple"]) == 2
    assert "did you mean 'alex-example'?" in capsys.readouterr().err
    assert main(["new", "X", "--site", str(site), "--author", "sam-sample", "--topic", "slep"]) == 2
    assert "did you mean 'sleep'?" in capsys.readouterr().err
    assert not list((site / "articles").glob("x*.md"))
