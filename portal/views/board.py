"""The open-requests board: every live need and question, whose move it is and for how long."""

import re
from collections import namedtuple
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from peewee import JOIN, Case, Value, fn

from .. import rules, tally
from ..clock import in_london, now
from ..db import run_kept, slot
from ..htmx import render, wants_fragment
from ..models import (
    LIVE_STATUSES,
    REQUEST_KINDS,
    Organisation,
    Thread,
    ThreadAddressee,
    User,
    attach_addressees,
    short_lists,
    union_all,
    with_theme,
)
from ..paging import page_number
from .auth import safe_next
from .threads import changed_since, live_args

bp = Blueprint("board", __name__)

Owner = User.alias("owner")
Choice = namedtuple("Choice", "name id slug")  # an organisation or a steward in the filters (a steward's slug is "")
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
    return with_owner(rules.visible_threads(user).where(is_live_request()))


def board_rows(viewer):
    """What a board row shows of each request: the list's row, whose move it is and who owns it."""
    return with_owner(rules.thread_rows(viewer, rules.BOARD_COLUMNS))


def today():
    return in_london(now()).date()


def shows():
    """The quick filters' names, with the setting for an old wait in the words."""
    return {**SHOWS, "stale": SHOWS["stale"] % current_app.config["OLD_WAIT_DAYS"]}


def old_wait_since():
    # to the minute, as long as the counts are kept (tally), so that a quick filter's list and its count agree
    return now().replace(second=0, microsecond=0) - timedelta(days=current_app.config["OLD_WAIT_DAYS"])


def show_filter(name, viewer):
    """The condition behind each of the board's quick filters, for a stand-in viewer (rules.run_kept_as), with the
    slots of moments()."""
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


def read_filters(args, organisations, owners):
    def pick(name, allowed):
        value = args.get(name, "")
        return value if value in allowed else ""

    return {
        "org": pick("org", {o.slug for o in organisations}),
        "kind": pick("kind", REQUEST_KINDS),
        "status": pick("status", LIVE_STATUSES),
        "owner": pick("owner", {"none"} | {str(o.id) for o in owners}),
        "show": pick("show", SHOWS),
        "sort": pick("sort", SORTS) or "waiting",
        # themes are picked from links (the themes page, a thread's tags), so no query is spent listing them here
        "theme": args.get("theme", "") if re.fullmatch(r"[a-z0-9-]{1,80}", args.get("theme", "")) else "",
    }


def filter_conditions(filters, viewer):
    """The live requests that the board's filters keep, for a stand-in viewer, with the slots of filter_values."""
    conditions = [is_live_request()]
    if filters["org"]:
        conditions.append((Thread.organisation == slot("org")) | waited_on_by(slot("org")))
    if filters["kind"]:
        conditions.append(Thread.kind == slot("kind"))
    if filters["status"]:
        # as text made anew, so that SQLite keeps to the board's covering index (thread_board) rather than take the
        # status index, which reads the row of every open request (4 ms against 12 at the huge benchmark)
        conditions.append(Thread.status.concat("") == slot("status"))
    if filters["owner"] == "none":
        conditions.append(Thread.owner.is_null())
    elif filters["owner"]:
        conditions.append(Thread.owner == slot("owner"))
    if filters["show"]:
        conditions.append(show_filter(filters["show"], viewer))
    if filters["theme"]:
        conditions.append(with_theme(slot("theme")))
    return conditions


def filter_values(filters, organisations):
    """The values of filter_conditions' slots."""
    values = {name: filters[name] for name in ("kind", "status", "theme") if filters[name]}
    if filters["org"]:
        values["org"] = next(o.id for o in organisations if o.slug == filters["org"])
    if filters["owner"] not in ("", "none"):
        values["owner"] = int(filters["owner"])
    return values | moments() if filters["show"] else values


def counts(user):
    """How many live requests each quick filter would show, in one query when anything has changed (tally)."""

    def count():
        row = next(iter(rules.run_kept_as(user, "board counts", count_query, **values)))
        return dict(zip(SHOWS, (value or 0 for value in row), strict=True))

    values = moments()
    return tally.tally(("board counts", user.id, *rules.visibility_key(user), *values.values()), count)


def count_query(viewer):
    columns = [fn.COUNT(Thread.id)] + [
        fn.SUM(Case(None, [(show_filter(name, viewer), 1)], 0)) for name in list(SHOWS)[1:]
    ]
    # Only the thread table: a count needs none of the joins that a row shows.
    live = is_live_request() & Thread.merged_into.is_null() & rules.visible_filter(viewer)
    return Thread.select(*columns).where(live).tuples()


def pick_lists():
    return union_all(
        Organisation.select(Value("organisations"), Organisation.name, Organisation.id, Organisation.slug),
        User.select(Value("owners"), User.name, User.id, Value("")).where((User.role == "steward") & User.active),
    )


def organisations_and_owners():
    """Every organisation and every active steward, by name, for the filters (the board's, the learning
    dashboard's): one query when anything has changed (tally)."""

    def read():
        lists = short_lists(run_kept("board's pick lists", pick_lists))
        return [Choice(*row) for row in lists["organisations"]], [Choice(*row) for row in lists["owners"]]

    return tally.tally(("board's pick lists",), read)


@bp.get("/board")
def index():
    organisations, owners = organisations_and_owners()
    filters = read_filters(request.args, organisations, owners)
    values = filter_values(filters, organisations)
    page = rules.kept_thread_page(
        current_user,
        ("board", filters["sort"], filters["show"], filters["owner"] == "none", *values),
        lambda viewer: (filter_conditions(filters, viewer), (Thread.pinned.desc(), *SORTS[filters["sort"]][1])),
        page_number(request.args),
        current_app.config["PAGE_SIZE"],
        rows=board_rows,
        **values,
    )
    attach_addressees(page.items)
    return render(
        "board/index.html",
        "results",
        page=page,
        filters=filters,
        organisations=organisations,
        owners=owners,
        counts=None if wants_fragment() else counts(current_user),  # the quick filters are outside the results
        today=today(),
        SORTS=SORTS,
        SHOWS=shows(),
        status_oob=wants_fragment(),  # the status region stays on the page: only its text changes
    )


def quick_filters(back):
    """The quick filters with their counts afresh, to replace those on the board at `back` after an action."""
    show = parse_qs(urlsplit(back or "").query).get("show", [""])[0]
    tally.after_change()
    filters = {"show": show}
    return render_block(
        "board/index.html", "quick_filters", counts=counts(current_user), filters=filters, SHOWS=shows(), oob=True
    )


def board_row(thread_id):
    """One board row, fresh from the database, for an htmx action taken from the board."""
    thread = live_requests(current_user).where(Thread.id == thread_id).first()
    if thread:
        attach_addressees([thread])
    return thread


def most_waited_on(user):
    """Every organisation with live requests waiting on it, those waited on most first: where to look, not a
    ranking. One query when anything has changed (tally)."""

    def count():
        return list(rules.run_kept_as(user, "most waited on", waited_on_query))

    return tally.tally(("most waited on", *rules.visibility_key(user)), count)


def waited_on_query(viewer):
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
    return (
        Organisation.select(Organisation.name, Organisation.slug, counted.c.waits)
        .join(counted, on=(counted.c.organisation_id == Organisation.id))
        .order_by(counted.c.waits.desc(), Organisation.name)
        .namedtuples()
    )


@bp.get("/board/requests/<int:thread_id>/tools")
def tools(thread_id):
    """The steward's actions on one request of the board: the row's forms (htmx), or a page of them."""
    if not rules.is_steward(current_user):
        abort(403)
    thread = board_row(thread_id)
    if thread is None:
        abort(404)
    back = safe_next(request.args.get("next")) or url_for("board.index")
    template = "board/_tools.html" if wants_fragment() else "board/tools.html"
    return render_template(template, thread=thread, owners=list(User.stewards()), back=back)


@bp.get("/board/live")
def live():
    """Board rows that changed since the page was drawn, swapped in place; 204 when none did."""
    since, ids = live_args()
    if not changed_since(since, ids):
        return "", 204
    rows = list(live_requests(current_user).where(Thread.id.in_(ids) & (Thread.changed_at > since)))
    attach_addressees(rows)
    still = {t.id for t in rows}
    gone = rules.visible_threads(current_user).where(
        Thread.id.in_(ids) & (Thread.changed_at > since) & Thread.id.not_in(still or [0])
    )
    owners = list(User.stewards())

    def render_row(thread):
        return Markup(render_block("board/index.html", "row", thread=thread, today=today(), owners=owners, oob=True))

    return render_template("board/_live.html", rows=rows, gone=list(gone), ids=ids, render_row=render_row)
