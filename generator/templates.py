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
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.folder)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # a changed template gets a new environment (see load)
        )
        base_path, base_url = config.base_path, config.base_url
        self._key = (str(self.folder.resolve()), base_path, base_url)
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
        if not self.folder.is_dir():
            return [error("missing-templates", TEMPLATE_DIR, 0, 0, "there is no templates/ folder",
                          "copy templates/ from the Haven sample hub")]
        for path in sorted(self.folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            name = path.relative_to(self.folder).as_posix()
            rel = f"{TEMPLATE_DIR}/{name}"
            source, findings = decode_utf8(path.read_bytes(), rel)
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
                out.append(error("template-syntax", rel, exc.lineno or 1, 1,
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

    def has(self, name: str) -> bool:
        """True when templates/ holds `name`."""
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
        line, file = 0, name
        tb = sys.exc_info()[2]
        while tb is not None:  # Jinja rewrites frames so they carry template file and line
            filename = tb.tb_frame.f_code.co_filename
            if filename.startswith(str(self.folder)):
                file = Path(filename).relative_to(self.folder).as_posix()
                line = tb.tb_lineno
            tb = tb.tb_next
        message = re.sub(r"\s+", " ", str(exc))
        return error("template-error", f"{TEMPLATE_DIR}/{file}", line, 1, f"template failed: {message}",
                     "a variable may be misspelt or missing for this page; custom data lives under "
                     "`extra` (e.g. page.meta.extra.mood)")
