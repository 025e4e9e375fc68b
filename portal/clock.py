"""Time: stored in UTC (naive), shown in Europe/London."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
# A date filter's years: the portal holds nothing older, and a year past these is a slip of the keyboard.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
_fixed = None


def now():
    return _fixed or datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def fixed_at(moment):
    """Make now() return `moment` (naive UTC): for seeding history and for tests of clocks."""
    global _fixed
    before, _fixed = _fixed, moment
    try:
        yield moment
    finally:
        _fixed = before


def seconds():
    """Now as seconds since the epoch (for what a session remembers)."""
    return now().replace(tzinfo=UTC).timestamp()


def read_day(text):
    """The London day typed into a date filter, or None when it is empty, not a date or outside 2000 to 2099."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def london_midnight(day):
    """The first moment of a London day, as naive UTC: where a date filter starts."""
    return datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


def in_london(moment):
    return moment.replace(tzinfo=UTC).astimezone(LONDON)


def relative(moment, reference=None):
    """'just now', '5 minutes ago', '3 days ago' in plain English."""
    seconds = int(((reference or now()) - moment).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in (
        (86400 * 365, "year"),
        (86400 * 30, "month"),
        (86400 * 7, "week"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ):
        if seconds >= size:
            count = seconds // size
            return "%d %s%s ago" % (count, unit, "" if count == 1 else "s")
    return "just now"


def waited(since, reference=None):
    """How long a wait has lasted, in plain English: "12 days", "3 hours", "less than an hour"."""
    seconds = int(((reference or now()) - since).total_seconds())
    days, hours = seconds // 86400, seconds // 3600
    if days:
        return "%d day%s" % (days, "" if days == 1 else "s")
    if hours:
        return "%d hour%s" % (hours, "" if hours == 1 else "s")
    return "less than an hour"


def longer_than(since, days, reference=None):
    """The words that mark a wait of more than `days` days ("longer than a week"), or "" for a shorter one."""
    if (reference or now()) - since <= timedelta(days=days):
        return ""
    return "longer than a week" if days == 7 else "longer than %d days" % days
