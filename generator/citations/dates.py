"""CSL dates as pandoc and Zotero write them, and the forms APA prints (9.14-9.16)."""

from __future__ import annotations

import re
from collections import abc
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
]
_ISO_DATE_RE = re.compile(r"^\s*(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


@dataclass(frozen=True, slots=True)
class _Date:
    year: int | None
    month: int | None = None
    day: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    end_year: int | None = None
    label: str = ""  # "in press" or a literal date the writer gave
    circa: bool = False  # CSL's "circa": an approximate date, "ca. 350 B.C.E." (9.41)

    @property
    def year_text(self) -> str:
        if self.year is None:
            return self.label or "n.d."
        text = _year(self.year)
        if self.end_year == 0:  # CSL's open range, [[2015], [0]]: a series still going on (10.13)
            text += "–"
        elif self.end_year and self.end_year != self.year:
            text = f"{text}–{_year(self.end_year)}"
        return f"ca. {text}" if self.circa else text

    @property
    def sort_key(self) -> tuple:
        # n.d. first, dated by year, "in press" last (9.47)
        if self.year is None:
            return (2,) if self.label == "in press" else (0,)
        return (1, self.year)

    def detail(self) -> str:
        """The part after the year in the reference list: ", June", ", December 10", ", August 8–11"."""
        if self.year is None or not self.month or not 1 <= self.month <= 12:
            return ""
        text = _MONTHS[self.month - 1]
        if self.day:
            text += f" {self.day}"
        if self.end_month and 1 <= self.end_month <= 12 and (self.end_month, self.end_day) != (
            self.month,
            self.day,
        ):
            if self.end_month == self.month and self.end_day:
                text += f"–{self.end_day}"
            else:
                text += f"–{_MONTHS[self.end_month - 1]}" + (f" {self.end_day}" if self.end_day else "")
        return ", " + text


def _year(year: int) -> str:
    """ "2013"; a year before the common era (a negative CSL year) is "350 B.C.E." (9.41)."""
    return f"{-year} B.C.E." if year < 0 else str(year)


_NO_DATE = _Date(None)


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


_DATE_MEMO: dict[tuple[str, str, str], _Date] = {}
_DATE_MEMO_LIMIT = 4096


def _parse_date(raw: Any, status: str = "") -> _Date:
    """CSL dates as pandoc and Zotero write them: date-parts, raw/literal, ISO strings, YAML dates."""
    # The same few dates (mostly bare years) recur in every bibliography. YAML and JSON values have a
    # faithful repr, which (with the type) serves as the memo key for the unhashable mappings.
    key = (raw.__class__.__name__, repr(raw), status)
    date_value = _DATE_MEMO.get(key)
    if date_value is None:
        if len(_DATE_MEMO) >= _DATE_MEMO_LIMIT:
            _DATE_MEMO.clear()
        date_value = _DATE_MEMO[key] = _parse_date_uncached(raw, status)
    return date_value


def _parse_date_uncached(raw: Any, status: str) -> _Date:
    in_press = "press" in status.lower()
    if raw is None or raw == "" or raw == {}:
        return _Date(None, label="in press") if in_press else _NO_DATE
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return _Date(raw.year, raw.month, raw.day)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _Date(raw)
    if isinstance(raw, abc.Mapping):
        parts = raw.get("date-parts")
        if isinstance(parts, (list, tuple)) and parts:
            first = parts[0] if isinstance(parts[0], (list, tuple)) else parts
            values = [_int(v) for v in first][:3]
            if values and values[0] is not None:
                end: list[int | None] = [None, None, None]
                if len(parts) > 1 and isinstance(parts[1], (list, tuple)):
                    end = ([_int(v) for v in parts[1]] + [None, None, None])[:3]
                values += [None] * (3 - len(values))
                return _Date(values[0], values[1], values[2], end[1], end[2], end[0],
                             circa=bool(raw.get("circa")) and raw.get("circa") not in ("false", "0"))
        for field in ("raw", "literal"):
            if raw.get(field):
                return _parse_date(str(raw[field]), status)
        year = _int(raw.get("year"))
        if year is not None:
            return _Date(year, _int(raw.get("month")), _int(raw.get("day")))
        return _Date(None, label="in press") if in_press else _NO_DATE
    text = str(raw).strip()
    if text.lower() in ("in press", "forthcoming"):
        return _Date(None, label="in press")
    begin, _, finish = text.partition("/")
    match = _ISO_DATE_RE.match(begin)
    if match:
        end_match = _ISO_DATE_RE.match(finish) if finish else None
        return _Date(
            int(match.group(1)),
            _int(match.group(2)),
            _int(match.group(3)),
            _int(end_match.group(2)) if end_match else None,
            _int(end_match.group(3)) if end_match else None,
            _int(end_match.group(1)) if end_match else None,
        )
    return _Date(None, label=text)


def _long_date(value: _Date) -> str:
    """ "March 5, 2024" for retrieval dates (9.16)."""
    if value.year is None:
        return value.label
    if value.month and 1 <= value.month <= 12:
        month = _MONTHS[value.month - 1]
        return f"{month} {value.day}, {value.year}" if value.day else f"{month} {value.year}"
    return str(value.year)
