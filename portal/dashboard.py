"""The numbers behind the learning dashboard and its exports: counts and times per month, over time.

Every count is of what the viewer may see. Comparisons are over time, never rankings of organisations.
No Flask here.
"""

import math
import re
import statistics
from collections import Counter
from datetime import UTC, datetime

from . import rules
from .clock import LONDON, in_london, now
from .models import (
    BARRIER_STATUSES,
    REQUEST_KINDS,
    Barrier,
    BarrierLog,
    Theme,
    Thread,
    ThreadAddressee,
    ThreadTheme,
)

EARLIEST = "2000-01"
LONGEST = 36  # months in one view


def month_of(moment):
    return in_london(moment).strftime("%Y-%m")


def month_label(month):
    """ "2026-11" -> "Nov 2026"."""
    year, number = map(int, month.split("-"))
    return datetime(year, number, 1).strftime("%b %Y")


def shift(month, count):
    year, number = map(int, month.split("-"))
    index = year * 12 + number - 1 + count
    return "%04d-%02d" % (index // 12, index % 12 + 1)


def months(start, end):
    result = [start]
    while result[-1] < end:
        result.append(shift(result[-1], 1))
    return result


def month_start(month):
    """The first moment of a London month, as naive UTC."""
    year, number = map(int, month.split("-"))
    return datetime(year, number, 1, tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


def is_month(text):
    """Whether `text` is a month like "2026-11"."""
    return bool(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text or ""))


def read_period(start, end):
    """The months asked for, made sensible: (start, end, message or None)."""
    this_month = month_of(now())
    messages = []
    if not is_month(end):
        end = this_month
    if not is_month(start):
        start = shift(end, -5)
    if end > this_month:
        end, messages = this_month, ["The period cannot end after this month, so it ends now."]
    if start < EARLIEST:
        start, messages = EARLIEST, messages + ["The period starts in January 2000 at the earliest."]
    if start > end:
        start, end = end, start
        messages.append("The start came after the end, so we swapped them.")
    if len(months(start, end)) > LONGEST:
        start = shift(end, -(LONGEST - 1))
        messages.append("One view shows at most %d months, so it starts in %s." % (LONGEST, start))
    return start, end, " ".join(messages) or None


def percentile(values, share):
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)] if ordered else None


def hours(start, end):
    return (end - start).total_seconds() / 3600


def requests_for(user, start, end, organisation=None):
    """Requests the user may see that were raised or resolved in the period (optionally: addressed to one
    organisation), as tuples (id, created, first_response_at, resolved_at, status)."""
    begin, finish = month_start(start), month_start(shift(end, 1))
    query = Thread.select(Thread.id, Thread.created, Thread.first_response_at, Thread.resolved_at, Thread.status).where(
        Thread.kind.in_(REQUEST_KINDS)
        & Thread.merged_into.is_null()
        & rules.visible_filter(user)
        & (Thread.created < finish)
        & ((Thread.created >= begin) | (Thread.resolved_at >= begin))
    )
    if organisation is not None:
        addressed = ThreadAddressee.select(ThreadAddressee.thread).where(
            ThreadAddressee.organisation == organisation.id
        )
        query = query.where(Thread.id.in_(addressed))
    return list(query.tuples())


def request_numbers(rows, period):
    """Per month: raised, resolved, and the median and 90th percentile hours to first response and to
    resolution (by the month the request was raised, and the month it was resolved)."""
    raised, resolved = Counter(), Counter()
    response, resolution = {m: [] for m in period}, {m: [] for m in period}
    for _id, created, first_response, resolved_at, status in rows:
        month = month_of(created)
        if month in response:
            raised[month] += 1
            if first_response:
                response[month].append(hours(created, first_response))
        if status == "resolved" and resolved_at and month_of(resolved_at) in resolution:
            resolved[month_of(resolved_at)] += 1
            resolution[month_of(resolved_at)].append(hours(created, resolved_at))
    return [
        {
            "month": m,
            "raised": raised[m],
            "resolved": resolved[m],
            "response_median": statistics.median(response[m]) if response[m] else None,
            "response_p90": percentile(response[m], 0.9),
            "resolution_median": statistics.median(resolution[m]) if resolution[m] else None,
            "resolution_p90": percentile(resolution[m], 0.9),
        }
        for m in period
    ]


def by_theme(rows):
    """How many of the period's requests carry each theme."""
    ids = [row[0] for row in rows]
    if not ids:
        return []
    counts = Counter(
        name for (name,) in Theme.select(Theme.name).join(ThreadTheme).where(ThreadTheme.thread.in_(ids)).tuples()
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def barriers_over_time(period):
    """For the end of each month: how many barriers were in each status then."""
    barriers = list(Barrier.select(Barrier.id, Barrier.created).tuples())
    changes = {}
    for barrier_id, created, after in (
        BarrierLog.select(BarrierLog.barrier, BarrierLog.created, BarrierLog.status_after)
        .where(BarrierLog.status_after.is_null(False))
        .order_by(BarrierLog.created)
        .tuples()
    ):
        changes.setdefault(barrier_id, []).append((created, after))
    result = []
    for month in period:
        cut = month_start(shift(month, 1))
        counts = Counter()
        for barrier_id, created in barriers:
            if created < cut:
                status = "raised"
                for moment, after in changes.get(barrier_id, []):
                    if moment < cut:
                        status = after
                counts[status] += 1
        result.append({"month": month, **{status: counts[status] for status in BARRIER_STATUSES}})
    return result


def checkins(user, period):
    rows = Thread.select(Thread.checkin_month).where(
        Thread.checkin_month.in_(period) & rules.visible_filter(user) & Thread.merged_into.is_null()
    )
    counts = Counter(month for (month,) in rows.tuples())
    return [{"month": m, "received": counts[m]} for m in period]
