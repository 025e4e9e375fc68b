"""The open-requests board: every live need and question, whose move it is and for how long; its quick filters'
counts and where the steward should look.

To add a filter to the board: declare it in FILTERS (the texts it allows, the condition it keeps, the values of
its slots) and add its field to templates/board/index.html. Reading the query string, the SQL cache's key and the
links that keep the filters follow from the declaration."""

from collections import namedtuple
from datetime import timedelta

from flask import current_app
from peewee import JOIN, Case, Value, fn

from .. import rules
from ..clock import in_london, now
from ..models import (
    LIVE_STATUSES,
    REQUEST_KINDS,
    Organisation,
    Thread,
    ThreadAddressee,
    User,
    short_lists,
    union_all,
    with_theme,
)
from . import filters
from .cache import slot, sql, until_next_event
from .filters import Filter, Matching
from .pages import BOARD_COLUMNS, cached_thread_page, person, thread_rows, visible_threads
from .rows import attach_addressees

Owner = User.alias("owner")
Choice = namedtuple("Choice", "name id slug")  # an organisation or a steward in the filters (a steward's slug is "")
Choices = namedtuple("Choices", "organisations owners")
SORTS = {
    "waiting": ("Oldest waiting first", (Thread.waiting_since.asc(nulls="last"), Thread.id)),
    "activity": ("Latest activity first", (Thread.last_activity.desc(), Thread.id.desc())),
    "follow_up": ("Follow-up date, soonest first", (Thread.follow_up_on.asc(nulls="last"), Thread.id)),
}
SHOWS = {
    "": "Every open request",
    "overdue": "Follow-up date passed",
    "due": "Follow-up due today or passed",
    "nobody": "Nobody addressed has replied",
    "stale": "Nobody has replied for more than %d days",  # OLD_WAIT_DAYS: see shows()
    "mine": "Owned by me",
}


def is_live_request():
    return Thread.status.in_(LIVE_STATUSES) & Thread.kind.in_(REQUEST_KINDS)


def with_owner(threads):
    return (
        threads.switch(Thread)
        .join(Owner, JOIN.LEFT_OUTER, on=(Thread.owner == Owner.id), attr="owner")
        .select_extend(Owner.id, Owner.name)
    )


def live_requests(user):
    """Every need and question that is not resolved or closed and that `user` may see, with its owner."""
    return with_owner(visible_threads(user).where(is_live_request()))


def board_rows(viewer):
    """What a board row shows of each request: the list's row, whose move it is and who owns it."""
    return with_owner(thread_rows(viewer, BOARD_COLUMNS))


def today():
    return in_london(now()).date()


def shows():
    """The quick filters' names, with the setting for an old wait in the words."""
    return {**SHOWS, "stale": SHOWS["stale"] % current_app.config["OLD_WAIT_DAYS"]}


def old_wait_since():
    # to the minute, as long as the counts are cached, so that a quick filter's list and its count agree
    return now().replace(second=0, microsecond=0) - timedelta(days=current_app.config["OLD_WAIT_DAYS"])


def show_filter(name, viewer):
    """The condition behind each of the board's quick filters, for a stand-in viewer, with the slots of moments()."""
    return {
        "overdue": Thread.follow_up_on < slot("today"),
        "due": Thread.follow_up_on <= slot("today"),
        "nobody": Thread.first_response_at.is_null(),
        "stale": Thread.first_response_at.is_null() & (Thread.created < slot("old_wait_since")),
        "mine": Thread.owner == viewer.id,
    }[name]


def moments():
    """The values of the quick filters' slots."""
    return {"today": today(), "old_wait_since": old_wait_since()}


def waited_on_by(organisation_id):
    waiting = ThreadAddressee.select(ThreadAddressee.thread).where(
        (ThreadAddressee.organisation == organisation_id) & ThreadAddressee.waiting_since.is_null(False)
    )
    # a locked request waits on nobody (tracking.refresh_waiting)
    return (Thread.locked == False) & (
        Thread.id.in_(waiting) | ((Thread.organisation == organisation_id) & Thread.asker_waiting_since.is_null(False))
    )


def organisation_id(slug, choices):
    return {"org": next(o.id for o in choices.organisations if o.slug == slug)}


FILTERS = (
    Filter(
        "org",
        lambda choices: {o.slug for o in choices.organisations},
        lambda viewer, org: (Thread.organisation == org) | waited_on_by(org),
        values=organisation_id,
    ),
    Filter("kind", lambda choices: REQUEST_KINDS, lambda viewer, kind: Thread.kind == kind),
    # as text made anew, so that SQLite keeps to the board's covering index (thread_board) rather than take the
    # status index, which reads the row of every open request
    Filter("status", lambda choices: LIVE_STATUSES, lambda viewer, status: Thread.status.concat("") == status),
    Filter(
        "owner",
        lambda choices: {"none"} | {str(o.id) for o in choices.owners},
        # "none" comes as its text (literal); an owner's id, in its slot
        lambda viewer, owner: Thread.owner.is_null() if isinstance(owner, str) else Thread.owner == owner,
        values=lambda text, choices: {} if text == "none" else {"owner": int(text)},
        literal=lambda text: text == "none",
    ),
    Filter(
        "show",
        lambda choices: SHOWS,
        lambda viewer, name: show_filter(name, viewer),
        values=lambda text, choices: moments(),
        literal=lambda text: True,
    ),
    # themes are picked from links (the themes page, a thread's tags), so no query is spent listing them here
    Filter("theme", lambda choices: Matching(r"[a-z0-9-]{1,80}"), lambda viewer, theme: with_theme(theme)),
)


def read_filters(args, choices):
    return filters.read(FILTERS, args, choices, sort=(SORTS, "waiting"))


def board_list(viewer, shape, sort):
    """The live requests that the filters in `shape` keep, in the order `sort`, pinned first."""
    conditions = [is_live_request(), *filters.conditions(FILTERS, viewer, shape)]
    return conditions, (Thread.pinned.desc(), *SORTS[sort][1])


def board_page(user, chosen, choices, number, size):
    """A page of the board with the filters `chosen` (read_filters), each request with its addressees."""
    page = cached_thread_page(
        user,
        board_list,
        (filters.shape(FILTERS, chosen), chosen["sort"]),
        number,
        size,
        rows=board_rows,
        **filters.values(FILTERS, chosen, choices),
    )
    attach_addressees(page.items)
    return page


def counts(user):
    """How many live requests each quick filter would show, in one query when anything has changed."""
    moment = moments()
    return counted(person(user), moment["today"], moment["old_wait_since"])


@until_next_event
def counted(viewer, today, old_wait_since):
    row = next(iter(count_query.run_as(viewer, today=today, old_wait_since=old_wait_since)))
    return dict(zip(SHOWS, (value or 0 for value in row), strict=True))


@sql
def count_query(viewer):
    columns = [fn.COUNT(Thread.id)] + [
        fn.SUM(Case(None, [(show_filter(name, viewer), 1)], 0)) for name in list(SHOWS)[1:]
    ]
    # Only the thread table: a count needs none of the joins that a row shows.
    live = is_live_request() & Thread.merged_into.is_null() & rules.visible_filter(viewer)
    return Thread.select(*columns).where(live).tuples()


@sql
def pick_lists():
    return union_all(
        Organisation.select(Value("organisations"), Organisation.name, Organisation.id, Organisation.slug),
        User.select(Value("owners"), User.name, User.id, Value("")).where((User.role == "steward") & User.active),
    )


@until_next_event
def organisations_and_owners():
    """Every organisation and every active steward, by name, for the filters (the board's, the learning
    dashboard's): one query when anything has changed."""
    lists = short_lists(pick_lists.run())
    return Choices([Choice(*row) for row in lists["organisations"]], [Choice(*row) for row in lists["owners"]])


def board_row(user, thread_id):
    """One board row, fresh from the database, for an action taken from the board."""
    thread = live_requests(user).where(Thread.id == thread_id).first()
    if thread:
        attach_addressees([thread])
    return thread


def changed_rows(user, ids, since):
    """The board's rows among `ids` that changed after `since`, and those of them that left the board."""
    rows = list(live_requests(user).where(Thread.id.in_(ids) & (Thread.changed_at > since)))
    attach_addressees(rows)
    still = {t.id for t in rows}
    gone = visible_threads(user).where(
        Thread.id.in_(ids) & (Thread.changed_at > since) & Thread.id.not_in(still or [0])
    )
    return rows, list(gone)


def waiting_on(viewer, first=(), last=()):
    """Every organisation with live requests waiting on it: (name, slug, waits) between the columns `first` and
    `last`, in no order (the steward's desk query, lists.home.desk_query, takes it as one of its branches)."""
    # counted by organisation first, so only the few organisations are joined, not every wait
    counted = (
        ThreadAddressee.select(ThreadAddressee.organisation, fn.COUNT(ThreadAddressee.id).alias("waits"))
        .join(Thread)
        .where(
            ThreadAddressee.waiting_since.is_null(False)
            & (Thread.locked == False)
            & is_live_request()
            & Thread.merged_into.is_null()
            & rules.visible_filter(viewer)
        )
        .group_by(ThreadAddressee.organisation)
        .alias("counted")
    )
    return Organisation.select(*first, Organisation.name, Organisation.slug, counted.c.waits, *last).join(
        counted, on=(counted.c.organisation_id == Organisation.id)
    )
