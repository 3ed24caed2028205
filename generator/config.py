"""site.yaml -> SiteConfig, checked at the boundary."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from generator.diagnostics import Diagnostic, did_you_mean, error, warning
from generator.model import Crisis, CrisisResource, SiteConfig, Topic
from generator.yamlload import decode_utf8, list_item_lines, load_yaml, nested_lines, top_level_lines

SITE_FILE = "site.yaml"
KNOWN_KEYS = {
    "title", "tagline", "description", "base_url", "language", "medical", "publisher",
    "transparency", "review", "readability", "topics", "crisis", "extra",
}
_TOPIC_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def load_config(site_dir: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read and validate site.yaml in `site_dir`; None plus findings when unusable."""
    path = site_dir / SITE_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [error("missing-config", SITE_FILE, 0, 0, f"no {SITE_FILE} in {site_dir}",
                            "run haven in the hub's folder or pass --site DIR")]
    text, findings = decode_utf8(raw, SITE_FILE)
    if text is None:
        return None, findings
    data, findings = load_yaml(text, SITE_FILE)
    if findings:
        return None, findings
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [error("config-not-mapping", SITE_FILE, 1, 1, "site.yaml must be a mapping of settings",
                            "write settings as `key: value` lines, e.g. `title: My hub`")]
    lines = top_level_lines(text)
    out: list[Diagnostic] = []

    def at(key: str) -> int:
        return lines.get(key, 1)

    for key in data:
        if key not in KNOWN_KEYS:
            hint = did_you_mean(str(key), KNOWN_KEYS) or "put custom settings under `extra:`"
            out.append(warning("unknown-setting", SITE_FILE, at(str(key)), 1, f"unknown setting '{key}'", hint))

    def text_setting(key: str, default: str = "", required: bool = False) -> str:
        value = data.get(key, default)
        if value is None or value == "":
            if required:
                out.append(error("missing-setting", SITE_FILE, at(key), 1, f"'{key}' is required",
                                 f"add a line `{key}: ...` to site.yaml"))
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            out.append(error("setting-type", SITE_FILE, at(key), 1, f"'{key}' must be text",
                             f"write it as `{key}: some text`"))
            return default
        return str(value)

    title = text_setting("title", required=True)
    base_url = text_setting("base_url", "http://127.0.0.1:8000/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        out.append(error("bad-base-url", SITE_FILE, at("base_url"), 1,
                         f"base_url '{base_url}' is not an http(s) address",
                         "write it like https://example.org/ or https://example.org/hub/"))
        parts = urlsplit("http://127.0.0.1:8000/")
    base_path = parts.path or "/"
    if not base_path.endswith("/"):
        base_path += "/"
    base_url = f"{parts.scheme}://{parts.netloc}{base_path}"

    medical = data.get("medical", True)
    if not isinstance(medical, bool):
        out.append(error("setting-type", SITE_FILE, at("medical"), 1, "'medical' must be true or false",
                         "write `medical: true` or `medical: false`"))
        medical = True

    publisher = _mapping(data, "publisher", at, out)
    transparency = _mapping(data, "transparency", at, out)
    review = _mapping(data, "review", at, out)
    readability = _mapping(data, "readability", at, out)
    interval = _number(review.get("interval_months", 24), "review.interval_months", at("review"), out, 24)
    target = _number(readability.get("target_grade", 8), "readability.target_grade", at("readability"), out, 8)

    topics = _topics(data.get("topics") or {}, text, at("topics"), out)
    crisis = _crisis(data.get("crisis") or {}, text, at("crisis"), out)
    extra = data.get("extra") or {}
    if not isinstance(extra, dict):
        out.append(error("setting-type", SITE_FILE, at("extra"), 1, "'extra' must be a mapping",
                         "write `extra:` followed by indented `key: value` lines"))
        extra = {}

    config = SiteConfig(
        root=str(site_dir.resolve()),
        title=title,
        tagline=text_setting("tagline"),
        description=text_setting("description"),
        base_url=base_url,
        base_path=base_path,
        language=text_setting("language", "en"),
        medical=medical,
        publisher_name=str(publisher.get("name") or title),
        publisher_url=str(publisher.get("url") or base_url),
        transparency={str(k): str(v) for k, v in transparency.items() if v is not None},
        review_interval_months=int(interval),
        readability_target=float(target),
        topics=topics,
        crisis=crisis,
        extra=extra,
        digest=hashlib.blake2b(raw, digest_size=16).hexdigest(),
        lines=lines,
    )
    return config, out


def _mapping(data: Mapping[str, Any], key: str, at, out: list[Diagnostic]) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        out.append(error("setting-type", SITE_FILE, at(key), 1, f"'{key}' must be a mapping",
                         f"write `{key}:` followed by indented `name: value` lines"))
        return {}
    return value


def _number(value: Any, name: str, line: int, out: list[Diagnostic], default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        out.append(error("setting-type", SITE_FILE, line, 1, f"'{name}' must be a positive number",
                         f"for example `{name.split('.')[-1]}: {default:g}`"))
        return default
    return value


def _topics(value: Any, text: str, line: int, out: list[Diagnostic]) -> dict[str, Topic]:
    if not isinstance(value, dict):
        out.append(error("setting-type", SITE_FILE, line, 1, "'topics' must map topic ids to a title and description",
                         "write `topics:` then `  empathy: {title: Empathy, description: ...}`"))
        return {}
    lines = nested_lines(text, "topics")
    topics: dict[str, Topic] = {}
    for tid, spec in value.items():
        tid = str(tid)
        where = lines.get(tid, line)
        if not _TOPIC_ID.match(tid):
            out.append(error("bad-topic-id", SITE_FILE, where, 3, f"topic id '{tid}' is not lowercase letters, digits and hyphens",
                             "rename it, e.g. 'self-compassion'"))
        if isinstance(spec, str):
            spec = {"title": spec}
        if not isinstance(spec, dict) or not spec.get("title"):
            out.append(error("bad-topic", SITE_FILE, where, 3, f"topic '{tid}' needs a title",
                             f"write `{tid}: {{title: ..., description: ...}}`"))
            continue
        topics[tid] = Topic(tid, str(spec["title"]), str(spec.get("description") or ""), where)
    return topics


def _crisis(value: Any, text: str, line: int, out: list[Diagnostic]) -> Crisis:
    if not isinstance(value, dict):
        out.append(error("setting-type", SITE_FILE, line, 1, "'crisis' must be a mapping",
                         "see the README: crisis: {heading, intro, emergency, resources: [...]}"))
        value = {}
    raw_resources = value.get("resources") or []
    if not isinstance(raw_resources, list):
        out.append(error("setting-type", SITE_FILE, line, 1, "'crisis.resources' must be a list",
                         "start each resource with `- name: ...`"))
        raw_resources = []
    item_lines = list_item_lines(text, "resources")
    resources = []
    for index, item in enumerate(raw_resources):
        where = item_lines[index] if index < len(item_lines) else line
        if not isinstance(item, dict):
            out.append(error("bad-crisis-resource", SITE_FILE, where, 1, "a crisis resource must be a mapping",
                             "write `- name: ...` with phone, text or url lines under it"))
            continue
        verified = item.get("verified_on")
        verified_date = None
        if verified is not None:
            try:
                verified_date = date.fromisoformat(str(verified))
            except ValueError:
                out.append(error("bad-date", SITE_FILE, where, 1, f"verified_on '{verified}' is not a date",
                                 "write it as YYYY-MM-DD"))
        resources.append(CrisisResource(
            name=str(item.get("name") or ""), region=str(item.get("region") or ""),
            phone=str(item.get("phone") or ""), text=str(item.get("text") or ""),
            url=str(item.get("url") or ""), verified_on=verified_date, line=where, raw=item,
        ))
    return Crisis(
        heading=str(value.get("heading") or "Need help now?"),
        intro=str(value.get("intro") or ""),
        emergency=str(value.get("emergency") or
                      "If you are in immediate danger, call your local emergency number."),
        resources=tuple(resources),
    )
