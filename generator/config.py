"""site.yaml -> SiteConfig, checked at the boundary."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from generator.checks.policy import finding, read_levels
from generator.confine.hub import DATA_FILE_LIMIT, OutsideHub, read_hub_bytes
from generator.crisisconfig import CRISIS_KEYS, parse_contact, parse_crisis
from generator.diagnostics import Diagnostic
from generator.discover import SITE_FILE
from generator.fields import Field, Reader, unknown_keys
from generator.languages import complete_languages, parse_languages, single_language
from generator.model import SiteConfig, Topic
from generator.slugs import SLUG
from generator.urlpolicy import checked, read_allow_hosts, urls_in_extra
from generator.yamlload import decode_utf8, load_document

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
MAX_PER_PAGE = 500
MAX_REVIEW_MONTHS = 1200   # a review every hundred years is none: the largest interval a hub may set
DEFAULT_MAX_ARTICLE_BYTES = 2_000_000   # about 300,000 words: far beyond any article, parsed in ~1 s
# The most limits.max_article_bytes may allow: an article is read whole and converted in memory, and site.yaml
# is a contributor's file, so the bound is what one CI job can afford (10 MB of Markdown took 22 s and 0.5 GB;
# the cost grows with the size), the same bound Haven puts on data files (confine.hub.DATA_FILE_LIMIT), and
# five times the default, so the article-too-large advice to raise the setting has room to work.
LARGEST_ARTICLE_BYTES = 10_000_000
# The most limits.render_seconds (per page) and limits.parse_seconds (per article) may allow: a pull request
# that changes site.yaml and adds a template or article that never finishes must still fail the CI build in
# minutes, not hang it for days (rendering stops at the first page that runs out of time; with the defaults a
# looping template fails after 60 s).
LARGEST_SECONDS = 600

# Every setting, declared once: name, kind (generator.fields.KINDS), what it is for.
SETTINGS = (
    Field("title", "text", "the hub's name, shown on every page", "My hub", required_for=("site",)),
    Field("tagline", "text", "a short line under the title"),
    Field("description", "text", "one or two sentences for search engines and feeds"),
    Field("base_url", "text", "where the site will live", "https://example.org/", default=DEFAULT_BASE_URL),
    Field("language", "language", "the language of the hub (a BCP 47 tag such as en-GB)", "en-GB", default="en"),
    Field("medical", "flag", "whether articles give health information (adds medical schema and review dates)",
          default=True),
    Field("publisher", "mapping", "who publishes the hub: name, url"),
    Field("transparency", "mapping", "owner, funding, advertising (shown on the About page)"),
    Field("review", "mapping", "interval_months: how often articles must be reviewed"),
    Field("readability", "mapping", "target_grade: the reading level articles aim at"),
    Field("limits", "mapping", f"max_article_bytes: the largest article Haven reads (at most {LARGEST_ARTICLE_BYTES}); "
          "render_seconds: the longest a template may take for one page; parse_seconds: the longest one article "
          f"may take to convert (each at most {LARGEST_SECONDS})"),
    Field("privacy", "mapping", "allow_hosts: other sites pages may load images and fonts from"),
    Field("topics", "mapping", "topic id -> title and description"),
    Field("crisis", "mapping", "heading, intro, emergency, emergency_numbers, resources, risk_terms: crisis help"),
    Field("contact", "text", "where readers report a mistake: an e-mail address or a form on the hub's host",
          "corrections@example.org"),
    Field("publish", "mapping", "branch, cname: where `haven publish --to git` puts the built site"),
    Field("default_author", "text", "the author id `haven new` writes when none is given", "editorial-team"),
    Field("extra", "mapping", "anything templates need; Haven does not look inside"),
    Field("checks", "mapping", "check code -> error, warning or off (`haven check --list` lists the codes)"),
    Field("languages", "list", "every language the hub speaks: code, name, dir, default (see the README)"),
    Field("pagination", "mapping", "per_page: how many articles a page of the archive, a topic or an author lists"),
)
KNOWN_KEYS = {f.name for f in SETTINGS}
NESTED = {
    "publisher": ("name", "url"),
    "transparency": ("owner", "funding", "advertising"),
    "review": ("interval_months",),
    "readability": ("target_grade",),
    "limits": ("max_article_bytes", "render_seconds", "parse_seconds"),
    "privacy": ("allow_hosts",),
    "crisis": CRISIS_KEYS,
    "publish": ("branch", "cname"),
    "pagination": ("per_page",),
}
DEFAULT_PUBLISH_BRANCH = "gh-pages"
# A branch name git accepts (git check-ref-format --branch), kept to the plain characters hubs use.
_BRANCH = re.compile(r"^(?!-)(?!.*\.\.)(?!.*//)(?!.*@\{)[A-Za-z0-9._/-]+(?<![./])(?<!\.lock)$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")


def missing_config(site_dir: Path) -> Diagnostic:
    """The one finding every command gives when the hub has no site.yaml."""
    return finding("missing-config", SITE_FILE, 0, 0, f"no {SITE_FILE} in {site_dir}",
                   "run haven in the hub's folder or pass --site DIR")


# A path of the hub's address as every page writes it (and links are checked against): plain folder names
_BASE_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]+)*/?")
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"|\[[0-9A-Fa-f:.]+\]")


def base_url_problem(base_url: str) -> str:
    """What is wrong with `base_url` as the address every page, feed and sitemap is written under ("" when
    nothing): it goes into HTML attributes, XML and robots.txt as it is, so it must be a plain address."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "is not an http(s) address"
    if "@" in parts.netloc:
        return "holds a user name or password, which every page would publish"
    if "?" in base_url or "#" in base_url:
        return "has a ? or # part: the pages' addresses are written after it"
    host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    port = parts.netloc[len(host) + 1:]
    if not _HOST.fullmatch(host) or (port and not (port.isdigit() and 0 < int(port) < 65536)):
        return "does not name a host (and a port from 1 to 65535) as an address can"
    if not _BASE_PATH.fullmatch(parts.path) or any(segment in (".", "..") for segment in parts.path.split("/")):
        return ("has a path Haven cannot write as it is into every page: folder names of letters, digits and . _ ~ - "
                "only (no spaces, quotes, < or >, %-escapes, . or .. as a folder)")
    return ""


def load_config(site_dir: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read and validate site.yaml in `site_dir`; None plus findings when unusable."""
    try:
        raw = read_hub_bytes(site_dir, SITE_FILE, DATA_FILE_LIMIT)   # never through a link out of the hub
    except OutsideHub as exc:
        return None, [exc.diagnostic]
    except FileNotFoundError:
        return None, [missing_config(site_dir)]
    except OSError as exc:
        return None, [finding("config-unreadable", SITE_FILE, 0, 0, f"cannot read {SITE_FILE}: {exc.strerror}",
                              "make it a readable file")]
    text, findings = decode_utf8(raw, SITE_FILE)
    if text is None:
        return None, findings
    doc, findings = load_document(text, SITE_FILE)
    if doc is None:
        return None, findings
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        return None, findings + [finding("config-not-mapping", SITE_FILE, 1, 1,
                                         "site.yaml must be a mapping of settings",
                                         "write settings as `key: value` lines, e.g. `title: My hub`")]
    read = Reader(doc, SITE_FILE, missing_code="missing-setting")
    out = findings
    out += unknown_keys(doc, (), KNOWN_KEYS, SITE_FILE, "unknown-setting", "setting",
                        "put custom settings under `extra:`")
    for parent, known in NESTED.items():
        out += unknown_keys(doc, (parent,), known, SITE_FILE, "unknown-setting", f"setting in {parent}",
                            f"{parent} takes {', '.join(known)}")

    got = {spec.name: read.field(spec, "site", missing_line=1) for spec in SETTINGS}
    title, base_url = got["title"], got["base_url"]
    parts = urlsplit(base_url)
    problem = base_url_problem(base_url)
    if problem:
        line, col = doc.at("base_url")
        out.append(finding("bad-base-url", SITE_FILE, line, col, f"base_url '{base_url[:80]}' {problem}",
                           "write it like https://example.org/ or https://example.org/hub/"))
        parts = urlsplit(DEFAULT_BASE_URL)
    base_path = parts.path or "/"
    if not base_path.endswith("/"):
        base_path += "/"
    base_url = f"{parts.scheme}://{parts.netloc}{base_path}"

    # (a fraction of a month would be cut to a whole one, 0.5 to none: review reminders silently off)
    interval = _whole(read, ("review", "interval_months"), 24, MAX_REVIEW_MONTHS)
    target = read.number("readability", "target_grade", default=8)
    max_bytes = read.number("limits", "max_article_bytes", default=DEFAULT_MAX_ARTICLE_BYTES,
                            largest=LARGEST_ARTICLE_BYTES)
    transparency = {key: read.text("transparency", key) for key in NESTED["transparency"]}
    render_seconds = read.number("limits", "render_seconds", default=60, largest=LARGEST_SECONDS)
    parse_seconds = read.number("limits", "parse_seconds", default=10, largest=LARGEST_SECONDS)
    allow_hosts = read_allow_hosts(read.raw("privacy", "allow_hosts"), SITE_FILE, doc.at("privacy", "allow_hosts"), out)
    # The URL policy where each address is read (generator.urlpolicy): a refused one never reaches a page.
    publisher_url = checked(read.text("publisher", "url"), SITE_FILE, *doc.at("publisher", "url"), "publisher.url", out)
    for name, url, where in urls_in_extra(got["extra"]):
        checked(url, SITE_FILE, *doc.at("extra", *where), name, out)
    levels = got["checks"]  # a mapping (the reader reported anything else)
    check_levels, findings = read_levels(levels, doc.line("checks") if levels else 1,
                                         {str(code): doc.key_at("checks", code)[0] for code in levels})
    out += findings
    topics = _topics(read, got["topics"])
    single = got["language"] if read.has("language") else None
    languages = (parse_languages(read, single, topics) if read.has("languages")
                 else (single_language(got["language"], read.doc.line("language") or 1, read.out),))
    languages = complete_languages(languages, title, got["tagline"], got["description"], topics)
    per_page = _whole(read, ("pagination", "per_page"), 20, MAX_PER_PAGE)
    config = SiteConfig(
        root=str(site_dir.resolve()),
        title=title,
        tagline=got["tagline"],
        description=got["description"],
        base_url=base_url,
        base_path=base_path,
        language=languages[0].code,
        medical=got["medical"],
        publisher_name=read.text("publisher", "name") or title,
        publisher_url=publisher_url or base_url,
        transparency={key: value for key, value in transparency.items() if value},
        review_interval_months=int(interval),
        readability_target=float(target),
        topics=topics,
        crisis=parse_crisis(read, languages[0].code),
        extra=got["extra"],
        digest=hashlib.blake2b(raw, digest_size=16).hexdigest(),
        lines={str(key[0]): line for key, (line, _col) in doc.keys.items() if len(key) == 1},
        max_article_bytes=int(max_bytes),
        allow_hosts=allow_hosts,
        render_seconds=float(render_seconds),
        parse_seconds=float(parse_seconds),
        contact=parse_contact(read, got["contact"], base_url),
        check_levels=check_levels,
        **_publish(read, urlsplit(base_url).hostname or ""),
        default_author=got["default_author"],
        languages=languages,
        per_page=int(per_page),
    )
    return config, out + read.out


def _publish(read: Reader, base_host: str) -> dict[str, str]:
    """publish.branch and publish.cname, checked: a branch name git accepts, a bare host name (base_url's)."""
    branch = read.text("publish", "branch") or DEFAULT_PUBLISH_BRANCH
    if not _BRANCH.match(branch) or branch.startswith("/") or "/." in branch:
        line, col = read.doc.at("publish", "branch")
        read.out.append(finding("bad-publish-branch", SITE_FILE, line, col,
                                f"publish.branch '{branch[:60]}' is not a branch name git accepts",
                                "use letters, digits, '-', '_', '.' and '/', e.g. `branch: gh-pages`"))
        branch = DEFAULT_PUBLISH_BRANCH
    cname = read.text("publish", "cname")
    if cname and not _HOSTNAME.match(cname):
        line, col = read.doc.at("publish", "cname")
        read.out.append(finding("bad-cname", SITE_FILE, line, col,
                                f"publish.cname '{cname[:60]}' is not a domain name",
                                "write the bare domain the site is served at, in lowercase, "
                                "e.g. `cname: hub.example.org` (no https://, no path)"))
        cname = ""
    elif cname and cname != base_host:
        line, col = read.doc.at("publish", "cname")
        read.out.append(finding("cname-not-base-url", SITE_FILE, line, col,
                                f"publish.cname '{cname}' is not the host of base_url ('{base_host}'): the site "
                                f"would be served at {cname} while its links, feeds and sitemap point to {base_host}",
                                f"make them agree: `base_url: https://{cname}/` or `cname: {base_host}`"))
    return {"publish_branch": branch, "publish_cname": cname}


def _topics(read: Reader, declared: dict) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    for tid, spec in declared.items():
        line, col = read.doc.key_at("topics", tid)
        if not SLUG.match(tid):   # the folder of /topics/<id>/
            read.out.append(finding("bad-topic-id", SITE_FILE, line, col,
                                    f"topic id '{tid[:40]}' is not lowercase letters, digits and hyphens",
                                    "rename it, e.g. 'self-compassion'"))
        if isinstance(spec, dict):
            read.out.extend(unknown_keys(read.doc, ("topics", tid), ("title", "description"), SITE_FILE,
                                         "unknown-setting", f"setting in topic '{tid}'",
                                         "a topic takes title, description"))
            title = read.text("topics", tid, "title")
            description = read.text("topics", tid, "description")
        elif isinstance(spec, list) or spec is None:
            title, description = "", ""
        else:
            title, description = read.text("topics", tid), ""
        written_wrong = isinstance(spec, dict) and isinstance(spec.get("title"), (list, dict))
        if not title and not written_wrong:  # (a title of the wrong kind was reported as such)
            read.out.append(finding("bad-topic", SITE_FILE, line, col, f"topic '{tid}' needs a title",
                                    f"write `{tid}: {{title: ..., description: ...}}`"))
        # kept even when broken, so that articles naming it do not add "unknown topic" to the real problem
        topics[tid] = Topic(tid, title or tid, description, line)
    return topics


def _whole(read: Reader, where: tuple[str, str], default: int, largest: int) -> int:
    """A whole number from 1 to `largest` at `where` in site.yaml; anything else is a finding and `default`."""
    value = read.number(*where, default=default, largest=largest)
    if value != int(value):
        line, col = read.doc.at(*where)
        read.out.append(finding("field-type", SITE_FILE, line, col,
                                f"{'.'.join(where)} must be a whole number from 1 to {largest}",
                                f"write `{where[-1]}: {default}`"))
        return default
    return int(value)
