"""How a moment, a thread's kind and a request's status appear on a page. Every list row repeats them, so they
are made here in Python: a Jinja macro call costs more than the few bytes of HTML it writes."""

from markupsafe import Markup

from .clock import in_london, relative
from .models import STATUSES, THREAD_KINDS

# In English whatever the server's locale; and formatting them here takes half the time strftime does.
MONTHS = (
    None,
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def exact_moment(moment):
    local = in_london(moment)
    return "%d %s %d at %02d:%02d" % (local.day, MONTHS[local.month], local.year, local.hour, local.minute)


def long_date(day):
    """A date as people write it: "1 March 2026"."""
    return "%d %s %d" % (day.day, MONTHS[day.month], day.year)


def time_ago(moment):
    """'3 days ago', with the exact London time on hover and for machines."""
    # every part is made here from the moment (digits and month names), so none needs escaping
    stamp = moment.isoformat(timespec="seconds")
    return Markup('<time datetime="%sZ" title="%s">%s</time>' % (stamp, exact_moment(moment), relative(moment)))


def exact_time(moment):
    return Markup('<time datetime="%sZ">%s</time>' % (moment.isoformat(timespec="seconds"), exact_moment(moment)))


KIND_TAGS = {kind: Markup('<span class="tag tag--%s">%s</span>') % (kind, name) for kind, name in THREAD_KINDS.items()}
STATUS_TAGS = {
    status: Markup('<strong class="tag tag--%s">%s</strong>') % (status, name) for status, name in STATUSES.items()
}


def kind_tag(kind):
    return KIND_TAGS[kind]


def status_tag(status):
    return STATUS_TAGS[status] if status else ""


def month_name(month):
    """ "2026-12" -> "December 2026"."""
    year, number = month.split("-")
    return "%s %s" % (MONTHS[int(number)], year)
