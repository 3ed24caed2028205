"""Review dates: an article's clinical review falls due a fixed number of months after the last one.
"""

from __future__ import annotations

import calendar
from datetime import date

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic

DEFAULT_REVIEW_INTERVAL_MONTHS = 24


def add_months(start: date, months: int) -> date:
    """`start` plus whole calendar months; the 31st (or 29 February) falls back to the month's last day.
    A date past the last one Python can hold (a front matter `date: 9999-12-31`, an interval of a million
    months) is `date.max`: due never, not a crash."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def review_due_date(published: date, reviewed_on: date | None, interval_months: int) -> date:
    """When the next review falls due: the interval after the last review, or after publication when the
    article was never reviewed."""
    return add_months(reviewed_on or published, interval_months)


def check_review_due(
    path: str,
    line: int,
    published: date,
    reviewed_on: date | None,
    interval_months: int = DEFAULT_REVIEW_INTERVAL_MONTHS,
    today: date | None = None,
) -> list[Diagnostic]:
    """A `review-due` warning when the last review (or publication, if never reviewed) is older than the
    review interval, naming the date the review fell due. An interval of 0 or less turns it off.

    `line` is the front-matter line to point at (that of `reviewed_on`, or `date` when never reviewed).
    `today` is passed in so builds and tests are reproducible; it defaults to the local date.
    """
    if interval_months <= 0:
        return []
    today = today or date.today()
    due = review_due_date(published, reviewed_on, interval_months)
    if today <= due:
        return []
    if reviewed_on:
        since = f"last reviewed on {reviewed_on.isoformat()}"
    else:
        since = f"published on {published.isoformat()} and never reviewed"
    return [
        finding(
            "review-due",
            path,
            line,
            1 if line else 0,
            f"review overdue: {since}; the review fell due on {due.isoformat()} "
            f"(every {interval_months} months)",
            "have a clinical reviewer check the article, then set `reviewed_by:` and `reviewed_on:`",
        )
    ]
