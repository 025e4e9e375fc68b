"""The numbers behind the learning dashboard and its exports: counts and times per month, over time.

Every count is of what the viewer may see. Comparisons are over time, never rankings of organisations.
No Flask here.
"""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import product

from peewee import JOIN, SQL, Case, NodeList, Select, Value, fn

from . import rules
from .clock import LONDON, in_london, now
from .db import database, is_sqlite
from .models import (
    BARRIER_STATUSES,
    REQUEST_KINDS,
    Barrier,
    BarrierLog,
    Organisation,
    Theme,
    Thread,
    ThreadAddressee,
    ThreadTheme,
)

EARLIEST = "2000-01"
LONGEST = 36  # months in one view
RAISED, RESOLVED, RECEIVED, THEMED = range(4)  # what numbers() counts: numbers sort faster than words


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


def month_bounds(month):
    """The first moment of a London month and of the next, as naive UTC."""
    return month_start(month), month_start(shift(month, 1))


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


def hours(start, end):
    return (end - start).total_seconds() / 3600


def requests_for(user, start, end, organisation=None):
    """Requests the user may see that were raised or resolved in the period (optionally: addressed to one
    organisation): a query of (id, created, first_response_at, resolved_at, status)."""
    begin, finish = month_start(start), month_start(shift(end, 1))
    query = Thread.select(Thread.id, Thread.created, Thread.first_response_at, Thread.resolved_at, Thread.status).where(
        Thread.kind.in_(REQUEST_KINDS)
        # Pinned or not, and a request's last activity is never before it was raised or resolved (a status
        # change moves it): these only let the (kind, pinned, last_activity) index skip the older requests.
        & Thread.pinned.in_([False, True])
        & (Thread.last_activity >= begin)
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
    return query.tuples()


def numbers(user, period, organisation=None):
    """Per month: requests raised and resolved, the median and 90th percentile hours to first response (by the
    month a request was raised) and to resolution (by the month it was resolved), and check-ins received; and
    how many of the period's requests carry each theme, as [(name, count)], the most first.

    One query: the database counts and ranks, and returns a few rows per month, not one per request."""
    begin, finish = month_start(period[0]), month_start(shift(period[-1], 1))
    requests = requests_for(user, period[0], period[-1], organisation).cte(
        "requests", columns=("id", "created", "first_response_at", "resolved_at", "status")
    )
    created, responded, resolved_at = requests.c.created, requests.c.first_response_at, requests.c.resolved_at
    raised = Select(
        [requests], [Value(RAISED), _month_index(created, period), SQL("NULL"), _microseconds(created, responded)]
    ).where(created >= begin)
    resolved = Select(
        [requests],
        [Value(RESOLVED), _month_index(resolved_at, period), SQL("NULL"), _microseconds(created, resolved_at)],
    ).where((requests.c.status == "resolved") & (resolved_at >= begin) & (resolved_at < finish))
    received = Thread.select(
        Value(RECEIVED),
        Case(Thread.checkin_month, [(m, index) for index, m in enumerate(period)]),
        SQL("NULL"),
        SQL("NULL"),
    ).where(
        # every thread's organisation is one: this lets the (organisation, checkin_month) index serve
        Thread.organisation.in_(Organisation.select(Organisation.id))
        & Thread.checkin_month.in_(period)
        & rules.visible_filter(user)
        & Thread.merged_into.is_null()
    )
    themed = (
        Select([requests], [Value(THEMED), SQL("NULL"), Theme.name, SQL("NULL")])
        .join(ThreadTheme, on=(ThreadTheme.thread == requests.c.id))
        .join(Theme, on=(Theme.id == ThreadTheme.theme))
    )
    found = {
        key: {"count": 0, "timed": 0, "at": {}} for key in product((RAISED, RESOLVED, RECEIVED), range(len(period)))
    }
    themes = []
    for measure, index, theme, count, timed, rank, value in _counted_and_ranked(
        requests, raised + resolved + received + themed
    ):
        if measure == THEMED:
            themes.append((theme, count))
        elif rank is None:
            found[measure, index].update(count=count, timed=timed)
        else:
            found[measure, index]["at"][rank] = value
    months = [
        {
            "month": m,
            "raised": found[RAISED, index]["count"],
            "resolved": found[RESOLVED, index]["count"],
            "response_median": _median(found[RAISED, index]),
            "response_p90": _ninetieth(found[RAISED, index]),
            "resolution_median": _median(found[RESOLVED, index]),
            "resolution_p90": _ninetieth(found[RESOLVED, index]),
            "received": found[RECEIVED, index]["count"],
        }
        for index, m in enumerate(period)
    ]
    return months, sorted(themes, key=lambda item: (-item[1], item[0]))


def _month_index(moment, period):
    """SQL for the position in the period of the London month of `moment` (UTC): a CASE over the UTC instants
    at which each month ends, so that a period across a clock change counts each request in its London month."""
    return Case(None, [(moment < month_start(shift(m, 1)), index) for index, m in enumerate(period)])


def _microseconds(start, end):
    """SQL for the exact time from `start` to `end` in whole microseconds (NULL without an `end`)."""
    if not is_sqlite():
        return (NodeList((SQL("EXTRACT(EPOCH FROM"), end - start, SQL(")"))) * 1000000).cast("BIGINT")

    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" (no fraction when it is 0): whole seconds from the first 19
    # characters, and the microseconds apart, as julianday() rounds them to milliseconds.
    def seconds(moment):
        return fn.julianday(fn.substr(moment, 1, 19)) * 86400

    def fraction(moment):
        return fn.substr(moment, 21).cast("INTEGER")

    return fn.round(seconds(end) - seconds(start)).cast("INTEGER") * 1000000 + fraction(end) - fraction(start)


def _counted_and_ranked(requests, facts):
    """From `facts` (rows of measure, month, theme, value) over the `requests` CTE: per measure and month or
    theme, a row of (count, count of values), and rows of (rank, value) at the ranks that the median and the
    90th percentile need."""
    facts = facts.cte("facts", columns=("measure", "month", "theme", "value"))
    counts = Select(
        [facts],
        [
            facts.c.measure,
            facts.c.month,
            facts.c.theme,
            fn.COUNT(SQL("*")),
            fn.COUNT(facts.c.value),
            SQL("NULL"),
            SQL("NULL"),
        ],
    ).group_by(facts.c.measure, facts.c.month, facts.c.theme)
    by_month = (facts.c.measure, facts.c.month)
    ranked = (
        Select(
            [facts],
            [
                facts.c.measure,
                facts.c.month,
                fn.COUNT(SQL("*")).over(partition_by=by_month).alias("timed"),
                fn.ROW_NUMBER().over(partition_by=by_month, order_by=[facts.c.value]).alias("rank"),
                facts.c.value,
            ],
        )
        .where(facts.c.value.is_null(False))
        .alias("ranked")
    )
    rank, timed = ranked.c.rank, ranked.c.timed
    # in integers, as _median and _ninetieth: the middle one or two ranks, and ceil(0.9 × timed)
    wanted = (rank == (timed + 1) / 2) | (rank == timed / 2 + 1) | (rank == (9 * timed + 9) / 10)
    picks = Select(
        [ranked], [ranked.c.measure, ranked.c.month, SQL("NULL"), SQL("NULL"), SQL("NULL"), rank, ranked.c.value]
    ).where(wanted)
    return (counts + picks).with_cte(requests, facts).bind(database).tuples()


def _hours(entry, rank):
    return timedelta(microseconds=entry["at"][rank]).total_seconds() / 3600


def _median(entry):
    """As statistics.median of the month's hours: the middle one, or the mean of the middle two."""
    timed = entry["timed"]
    if not timed:
        return None
    if timed % 2:
        return _hours(entry, (timed + 1) // 2)
    return (_hours(entry, timed // 2) + _hours(entry, timed // 2 + 1)) / 2


def _ninetieth(entry):
    """Nearest rank: the smallest value with at least 90 % of the values at or below it."""
    return _hours(entry, (9 * entry["timed"] + 9) // 10) if entry["timed"] else None


def barriers_over_time(period):
    """For the end of each month: how many barriers were in each status then."""
    barriers, changes = {}, {}
    for barrier_id, created, moment, after in (
        Barrier.select(Barrier.id, Barrier.created, BarrierLog.created, BarrierLog.status_after)
        .join(
            BarrierLog,
            JOIN.LEFT_OUTER,
            on=(BarrierLog.barrier == Barrier.id) & BarrierLog.status_after.is_null(False),
        )
        .order_by(BarrierLog.created, BarrierLog.id)
        .tuples()
    ):
        barriers[barrier_id] = created
        if after:
            changes.setdefault(barrier_id, []).append((moment, after))
    result = []
    for month in period:
        cut = month_start(shift(month, 1))
        counts = Counter()
        for barrier_id, created in barriers.items():
            if created < cut:
                status = "raised"
                for moment, after in changes.get(barrier_id, []):
                    if moment < cut:
                        status = after
                counts[status] += 1
        result.append({"month": month, **{status: counts[status] for status in BARRIER_STATUSES}})
    return result
