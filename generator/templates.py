"""The Jinja environment: autoescape, StrictUndefined, and what each template reads."""

from __future__ import annotations

import hashlib
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any, Mapping

import jinja2
from jinja2 import meta as jinja_meta

from generator.diagnostics import Diagnostic, error
from generator.model import SiteConfig
from generator.theme import is_theme_file, template_folders
from generator.yamlload import decode_utf8

TEMPLATE_DIR = "templates"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


class TemplateFailure(Exception):
    """A template failed while rendering; carries the finding to show the writer."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic

    def __reduce__(self):  # crosses from a rendering worker to the build intact
        return (TemplateFailure, (self.diagnostic,))


def long_date(value: date | None) -> str:
    """14 March 2025: unambiguous in every English locale."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}" if value else ""


# The templates a long-lived process (the preview server) loaded last, per folder and base URL.
_PREVIOUS: dict[tuple[str, str, str], "Templates"] = {}


class Templates:
    """Loads, checks and renders the hub's templates; knows which files each one reads."""

    def __init__(self, site_dir: Path, config: SiteConfig):
        self.folder = site_dir / TEMPLATE_DIR
        # the hub's own templates first; whatever it does not override comes from the default theme
        self.folders = template_folders(site_dir)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f) for f in self.folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # a changed template gets a new environment (see load)
        )
        base_path, base_url = config.base_path, config.base_url
        self._key = (str(self.folder.resolve()), base_path, base_url)
        self._shown: dict[str, str] = {}   # template name -> the path findings show for it
        self.env.globals.update(
            url=lambda path="/": base_path + str(path).lstrip("/"),
            absolute_url=lambda path="/": base_url + str(path).lstrip("/"),
        )
        self.env.filters["long_date"] = long_date
        self.env.filters["iso"] = lambda d: d.isoformat() if d else ""
        self.sources: dict[str, str] = {}
        self._trees: dict[str, Any] = {}
        self._digests: dict[str, str] = {}

    def load(self) -> list[Diagnostic]:
        """Read and compile every template; syntax errors become findings with template and line."""
        out: list[Diagnostic] = []
        for name, path, shown in self._template_files():
            source, findings = decode_utf8(path.read_bytes(), shown)
            if source is None:
                out += findings
                continue
            self.sources[name] = source
            earlier = _PREVIOUS.get(self._key)
            if earlier is not None and earlier.sources.get(name) == source and name in earlier._trees:
                self._trees[name] = earlier._trees[name]  # unchanged since this process last read it
                continue
            try:
                self._trees[name] = self.env.parse(source, name, str(path))
            except jinja2.TemplateSyntaxError as exc:
                out.append(error("template-syntax", shown, exc.lineno or 1, 1,
                                 f"template syntax error: {exc.message}",
                                 "check that every {% block %}, {% if %} and {% for %} is closed and "
                                 "that {{ }} and {% %} are balanced"))
        earlier = _PREVIOUS.get(self._key)
        if earlier is not None and earlier.sources == self.sources:
            # nothing changed: keep the compiled templates (the preview server builds many times)
            self.env, self._digests = earlier.env, earlier._digests
        if not out:
            _PREVIOUS[self._key] = self
        return out

    def _template_files(self) -> list[tuple[str, Path, str]]:
        """(name, file, path shown in findings) of every template, the hub's overriding the theme's."""
        chosen: dict[str, tuple[Path, str]] = {}
        for folder in reversed(self.folders):   # the theme first, so the hub's files replace its entries
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*")):
                if path.is_file() and is_theme_file(path.name):
                    name = path.relative_to(folder).as_posix()
                    shown = f"{TEMPLATE_DIR}/{name}" if folder == self.folder else str(path)
                    chosen[name] = (path, shown)
        self._shown = {name: shown for name, (_, shown) in chosen.items()}
        return [(name, path, shown) for name, (path, shown) in sorted(chosen.items())]

    def has(self, name: str) -> bool:
        """True when the hub's templates/ or the default theme holds `name`."""
        return name in self.sources

    def digest(self, name: str) -> str:
        """Fingerprint of a template and every template it extends, includes or imports."""
        if name not in self._digests:
            seen: set[str] = set()
            stack = [name]
            hasher = hashlib.blake2b(digest_size=12)
            while stack:
                current = stack.pop()
                if current in seen or current not in self.sources:
                    continue
                seen.add(current)
                hasher.update(current.encode() + b"\0" + self.sources[current].encode("utf-8"))
                tree = self._trees.get(current)
                refs = list(jinja_meta.find_referenced_templates(tree)) if tree is not None else []
                if None in refs:  # a dynamic include: it may read any template
                    stack.extend(self.sources)
                stack.extend(sorted(r for r in refs if r))
            self._digests[name] = hasher.hexdigest()
        return self._digests[name]

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render a template; a failure becomes TemplateFailure naming the template line."""
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateError as exc:
            raise TemplateFailure(self._finding(name, exc)) from None

    def _finding(self, name: str, exc: Exception) -> Diagnostic:
        line, file = 0, self._shown.get(name, f"{TEMPLATE_DIR}/{name}")
        folders = [str(f) for f in self.folders]
        tb = sys.exc_info()[2]
        while tb is not None:  # Jinja rewrites frames so they carry template file and line
            filename = tb.tb_frame.f_code.co_filename
            for folder in folders:
                if filename.startswith(folder + "/"):
                    template = Path(filename).relative_to(folder).as_posix()
                    file, line = self._shown.get(template, filename), tb.tb_lineno
            tb = tb.tb_next
        message = re.sub(r"\s+", " ", str(exc))
        return error("template-error", file, line, 1, f"template failed: {message}",
                     "a variable may be misspelt or missing for this page; custom data lives under "
                     "`extra` (e.g. page.meta.extra.mood)")
