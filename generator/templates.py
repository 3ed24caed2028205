"""The Jinja environment: autoescape, StrictUndefined, and what each template reads.

Templates are contributors' files, so they render in Jinja's sandbox (no reaching Python internals
such as `''.__class__`), within a time limit per page (`limits.render_seconds` in site.yaml), and
every failure becomes a finding naming the template line and the page being rendered.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SecurityError

from generator import catalogues
from generator.checks.policy import finding
from generator.confine.hub import DATA_FILE_LIMIT, OutsideHub, read_hub_bytes, walk_hub
from generator.deadline import Deadline, TimeLimitExceeded
from generator.diagnostics import Diagnostic
from generator.fragments import FragmentMemory, cached_include, context_names, referenced_templates
from generator.model import SiteConfig
from generator.sandbox import Sandbox
from generator.theme import is_theme_file, template_folders
from generator.urlpolicy import AllowedHosts, examine
from generator.yamlload import decode_utf8

TEMPLATE_DIR = "templates"


# The most characters a rendered page may have: a reader's page is a few hundred thousand at most, and a page
# the size of a film would fill the output folder, the page store and the reader's phone.
MAX_PAGE_CHARS = 32_000_000


class _PageTooLarge(Exception):
    """A template made a page over MAX_PAGE_CHARS."""


class TemplateFailure(Exception):
    """A template failed while rendering; carries the finding to show the writer."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic

    def __reduce__(self):  # crosses from a rendering worker to the build intact
        return (TemplateFailure, (self.diagnostic,))


# The templates a long-lived process (the preview server) loaded last, per folder and base URL.
_PREVIOUS: dict[tuple[str, str, str], Templates] = {}


class Templates:
    """Loads, checks and renders the hub's templates; knows which files each one reads."""

    def __init__(self, site_dir: Path, config: SiteConfig):
        self.site_dir = site_dir
        self.folder = site_dir / TEMPLATE_DIR
        # the hub's own templates first; whatever it does not override comes from the default theme
        self.folders = template_folders(site_dir)
        self.render_seconds = config.render_seconds
        self.allowed = AllowedHosts(examine(config.base_url).host, tuple(config.allow_hosts))
        self.env = Sandbox(
            # templates are served from what load() read through confine: an {% include %} can name
            # only a file that was checked, never a link out of the hub
            loader=jinja2.FunctionLoader(self._source_of),
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
        self._paths: dict[str, str] = {}   # template name -> its file (Jinja names its frames after it)
        self.env.globals.update(
            url=lambda path="/": base_path + str(path).lstrip("/"),
            absolute_url=lambda path="/": base_url + str(path).lstrip("/"),
            # the URL of a section in the page's language: lang_url('/topics/') is /es/topics/ on Spanish pages
            lang_url=lambda path="/": base_path + catalogues.current_language(config).url(str(path)).lstrip("/"),
            languages=config.languages,
            cached_include=cached_include,
        )
        catalogues.install(self.env)   # _(), {% trans %}, long_date and number in the page's language
        self.env.call_directly(*(self.env.globals[name] for name in ("url", "absolute_url", "lang_url", "_")))
        self.config = config
        self.catalogues: dict[str, catalogues.Catalogue] = {}
        self._catalogue_digest = ""
        self.env.filters["iso"] = lambda d: d.isoformat() if d else ""
        self.texts: dict[str, str] = {}
        self._trees: dict[str, Any] = {}
        self._digests: dict[str, str] = {}

    def load(self) -> list[Diagnostic]:
        """Read and compile every template; syntax errors become findings with template and line."""
        self.catalogues, out = catalogues.load_catalogues(self.site_dir, self.config.languages)
        # every page shows catalogue text, so a changed translation changes every template's digest
        self._catalogue_digest = repr(sorted((code, sorted(c.messages.items(), key=repr))
                                             for code, c in self.catalogues.items()))
        for name, path, shown in self._template_files(out):
            try:   # the hub's files through confine; the theme's are Haven's own
                data = read_hub_bytes(self.site_dir, shown, DATA_FILE_LIMIT) if path.is_relative_to(self.folder) \
                    else path.read_bytes()
            except OutsideHub as exc:
                out.append(exc.diagnostic)
                continue
            except OSError:   # deleted while we looked
                continue
            source, findings = decode_utf8(data, shown)
            if source is None:
                out += findings
                continue
            self.texts[name] = source
            earlier = _PREVIOUS.get(self._key)
            if earlier is not None and earlier.texts.get(name) == source and name in earlier._trees:
                self._trees[name] = earlier._trees[name]  # unchanged since this process last read it
                continue
            try:
                self._trees[name] = self.env.parse(source, name, str(path))
            except jinja2.TemplateSyntaxError as exc:
                out.append(finding("template-syntax", shown, exc.lineno or 1, 1,
                                   f"template syntax error: {exc.message}",
                                   "check that every {% block %}, {% if %} and {% for %} is closed and "
                                   "that {{ }} and {% %} are balanced"))
            except RecursionError:   # blocks or brackets nested thousands deep
                out.append(finding("template-syntax", shown, 1, 1, f"template syntax error: {_TOO_DEEP}",
                                   _TOO_DEEP_FIX))
        earlier = _PREVIOUS.get(self._key)
        memory = None
        if (earlier is not None and earlier.texts == self.texts
                and earlier._catalogue_digest == self._catalogue_digest):
            # nothing changed: keep the compiled templates (the preview server builds many times), and what
            # each fragment reads (finding it walks the syntax trees); the fragments written are forgotten
            self.env, self._digests = earlier.env, earlier._digests
            memory = getattr(self.env, "fragments", None)
        if isinstance(memory, FragmentMemory):
            memory.forget_written()
        else:
            self.env.fragments = FragmentMemory(lambda name: context_names(self._trees, self.texts, self._chain,
                                                                           name))
        if not out:
            _PREVIOUS[self._key] = self
        return out

    def _template_files(self, out: list[Diagnostic]) -> list[tuple[str, Path, str]]:
        """(name, file, path shown in findings) of every template, the hub's overriding the theme's.
        The hub's templates/ is walked through confine (links out of the hub become findings in `out`)."""
        chosen: dict[str, tuple[Path, str]] = {}
        for folder in reversed(self.folders):   # the theme first, so the hub's files replace its entries
            if folder == self.folder:
                files, findings = walk_hub(self.site_dir, TEMPLATE_DIR, keep_file=is_theme_file)
                out += findings
                for file in files:
                    name = file.rel[len(TEMPLATE_DIR) + 1:]
                    chosen[name] = (self.folder / name, file.rel)
                continue
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*")):
                if path.is_file() and is_theme_file(path.name):
                    name = path.relative_to(folder).as_posix()
                    chosen[name] = (path, str(path))
        self._shown = {name: shown for name, (_, shown) in chosen.items()}
        self._paths = {name: str(path) for name, (path, _) in chosen.items()}
        return [(name, path, shown) for name, (path, shown) in sorted(chosen.items())]

    def shown(self, name: str) -> str:
        """The path findings show for template `name` (templates/... for the hub's own)."""
        return self._shown.get(name, f"{TEMPLATE_DIR}/{name}")

    def hub_texts(self) -> dict[str, str]:
        """The hub's own templates (not the default theme's): path shown in findings -> text."""
        return {self._shown[name]: text for name, text in self.texts.items()
                if self._shown.get(name, "").startswith(TEMPLATE_DIR + "/")}

    def _source_of(self, name: str) -> tuple[str, str, Callable[[], bool]] | None:
        source = self.texts.get(name)
        return None if source is None else (source, self._paths.get(name, name), lambda: True)

    def parsed(self) -> dict[str, Any]:
        """Every template's syntax tree by name (for checks that read templates, e.g. untranslated text)."""
        return dict(self._trees)

    def has(self, name: str) -> bool:
        """True when the hub's templates/ or the default theme holds `name`."""
        return name in self.texts

    def digest(self, name: str) -> str:
        """Fingerprint of a template and every template it extends, includes or imports."""
        if name not in self._digests:
            hasher = hashlib.blake2b(self._catalogue_digest.encode("utf-8"), digest_size=12)
            for current in self._chain(name):
                hasher.update(current.encode() + b"\0" + self.texts[current].encode("utf-8"))
            self._digests[name] = hasher.hexdigest()
        return self._digests[name]

    def _chain(self, name: str) -> list[str]:
        """`name` and every template it extends, includes or imports, in a stable order."""
        seen: list[str] = []
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.texts:
                continue
            seen.append(current)
            tree = self._trees.get(current)
            refs = referenced_templates(tree, self.texts[current]) if tree is not None else []
            if None in refs:  # a dynamic include: it may read any template
                stack.extend(self.texts)
            stack.extend(sorted(r for r in refs if r))
        return seen

    def where_written(self, name: str, tag: str, attribute: str, rendered: str = "") -> tuple[str, int]:
        """(path shown, line) of the one line in `name` or the templates it uses that writes `<tag ...
        attribute="{{ ... }}"` (or, when none does, `attribute=` as text; with no attribute, any `<tag`:
        a style or script element's text) and, when several do, whose literal text matches `rendered`,
        the page's text from that tag on; the page's template (line 0) when no single line does."""
        lines = [(current, number, text) for current in self._chain(name)
                 for number, text in enumerate(self.texts[current].splitlines(), 1)
                 if f"<{tag}" in text.lower() and (not attribute or f"{attribute}=" in text.lower())]
        if attribute:   # a computed address first; a literal one (the template's own text) when none is
            lines = [line for line in lines if "{{" in line[2]] or lines
        found = [(current, number, text[text.lower().index(f"<{tag}"):]) for current, number, text in lines]
        if not attribute:   # an element's text is not in the page's readable text: match its start tag only
            found = [(current, number, text.split(">", 1)[0] + ">") for current, number, text in found]
        if len(found) > 1 and rendered:   # the lines whose literal text matches; of those, the most literal text
            found = [f for f in found if re.match(_skeleton(f[2]), rendered, re.DOTALL)]
            most = max((_literal_length(f[2]) for f in found), default=0)
            found = [f for f in found if _literal_length(f[2]) == most]
        if len(found) == 1:
            return self.shown(found[0][0]), found[0][1]
        return self.shown(name), 0

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render a template; a failure or a render past the time limit becomes TemplateFailure naming the
        template line and the page."""
        language = context.get("lang") or self.config.default_language
        try:
            template = self.env.get_template(name)   # compiling (once per process) is not the page's time
            with Deadline(self.render_seconds), catalogues.rendering(language, self.catalogues.get(language.code)):
                page = template.render({**context, "lang": language})
            if len(page) > MAX_PAGE_CHARS:   # (a filter can multiply text past the sandbox's limit on one string)
                raise _PageTooLarge(f"the page it made is {len(page) / 1e6:.0f} million characters long, over the "
                                    f"{MAX_PAGE_CHARS / 1e6:.0f} million a page may have")
            return page
        except (MemoryError, _PageTooLarge) as exc:
            failure = self._finding(name, context, str(exc) if isinstance(exc, _PageTooLarge) else
                                    "it made more text than the build can hold in memory",
                                    "look for text repeated or replaced many times over (`*`, `replace`, `join` "
                                    "inside loops); a page is read by people, a few hundred thousand characters")
            failure = replace(failure, line=failure.line or 1, col=failure.col or 1)   # (measured whole: no line)
        except TimeLimitExceeded:
            # stopped at an arbitrary point: a long-lived process starts from a fresh environment next time
            _PREVIOUS.pop(self._key, None)
            failure = self._finding(name, context, f"it ran for more than {self.render_seconds:g} seconds",
                                    "look for a loop over a very long list, or loops inside loops; if the page "
                                    "really needs longer, raise `limits: {render_seconds: ...}` in site.yaml")
        except RecursionError:
            failure = self._finding(name, context, "a macro or include calls itself without end",
                                    "make sure every macro that calls itself stops (an {% if %} around the call)")
        except SyntaxError:   # Python's compiler refuses code nested this deep ("too many statically nested blocks")
            failure = self._finding(name, context, _TOO_DEEP, _TOO_DEEP_FIX)
            failure = replace(failure, line=failure.line or 1, col=failure.col or 1)   # compiled whole: no line
        except jinja2.TemplateNotFound as exc:
            failure = self._finding(name, context, f"there is no template '{_one_line(exc)[:120]}'",
                                    "name a file of templates/ or of the default theme, e.g. "
                                    "'partials/head-meta.html'; a template cannot reach files outside them")
        except SecurityError as exc:
            failure = self._finding(name, context, f"templates may not do this: {_one_line(exc)}",
                                    "use the page's fields (page_title, article, meta, config ...) only; names "
                                    "starting with _ and Python internals are not available")
        except Exception as exc:  # noqa: BLE001 - a template is a contributor's file: any failure is theirs to fix
            failure = self._finding(name, context, _one_line(exc),
                                    "a variable may be misspelt or missing for this page; custom data lives under "
                                    "`extra` (e.g. page.meta.extra.mood)")
        raise TemplateFailure(failure)

    def _finding(self, name: str, context: Mapping[str, Any], why: str, fix: str) -> Diagnostic:
        """The finding for the exception being handled: the innermost template line it passed through."""
        line, file = 0, self._shown.get(name, f"{TEMPLATE_DIR}/{name}")
        folders = [str(f) for f in self.folders]
        tb = sys.exc_info()[2]
        while tb is not None:
            frame = tb.tb_frame
            template = frame.f_globals.get("__jinja_template__")
            if template is not None and template.name:   # compiled template code (a timeout is not rewritten)
                file = self._shown.get(template.name, f"{TEMPLATE_DIR}/{template.name}")
                line = template.get_corresponding_lineno(tb.tb_lineno)
            else:   # Jinja rewrites the frames of other failures so they carry template file and line
                filename = frame.f_code.co_filename
                for folder in folders:
                    if filename.startswith(folder + "/"):
                        shown = Path(filename).relative_to(folder).as_posix()
                        file, line = self._shown.get(shown, filename), tb.tb_lineno
            tb = tb.tb_next
        return finding("template-error", file, line, 1,
                       f"template failed while rendering {_page_of(context)}: {why}", fix)


_TOO_DEEP = "its {% if %}, {% for %} or brackets are nested too deeply to compile"
_TOO_DEEP_FIX = "nest fewer blocks inside each other: move inner parts into a macro or an {% include %}"


def _skeleton(template_text: str) -> str:
    """A pattern for what a line of template text renders to: its literal parts, anything for each {{ }} or {% %}."""
    parts = re.split(r"\{\{.*?\}\}|\{%.*?%\}", template_text.split("{#")[0])
    if "{{" in parts[-1] or "{%" in parts[-1]:   # a tag left open on this line: match up to it
        parts[-1] = re.split(r"\{\{|\{%", parts[-1])[0]
    return ".*?".join(re.escape(part) for part in parts)


def _literal_length(template_text: str) -> int:
    return len(re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", template_text.split("{#")[0]))


def _page_of(context: Mapping[str, Any]) -> str:
    """What was being rendered, as the writer knows it: the article's file, else the page's address."""
    article = context.get("article")
    path = getattr(getattr(article, "source", None), "path", None)
    if path:
        return str(path)
    return f"the page {context.get('page_url') or '(unknown)'}"


def _one_line(exc: BaseException) -> str:
    return re.sub(r"\s+", " ", str(exc)).strip() or type(exc).__name__
