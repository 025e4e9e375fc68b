"""Who may see and do what: one function per question, and the list filter that agrees with them.

Views call these before acting; templates call them (as `may`) before showing a button.
"""

import operator
from functools import reduce

from peewee import JOIN, SQL, Case, Ordering, Value, fn

from . import tally
from .db import run_kept, slot, slots_for_ids
from .models import LIVE_STATUSES, Organisation, Thread, ThreadAddressee, ThreadRead
from .paging import Page


def is_steward(user):
    return user.is_authenticated and user.is_steward


def can_see_thread(user, thread):
    return (
        is_steward(user)
        or thread.visibility == "all"
        or thread.organisation_id == user.organisation_id
        or user.organisation_id in thread.addressed_ids()
    )


class StandIn:
    """A person in a kept query (db.run_kept): whether they are the steward, with their ids in slots."""

    is_authenticated = True
    id = slot("viewer")
    organisation_id = slot("viewer_organisation")

    def __init__(self, steward):
        self.is_steward = steward


def run_kept_as(user, key, build, plain=False, **values):
    """db.run_kept for a query of what `user` may see: build(viewer) makes it for a stand-in viewer whose ids are
    slots, and whether they are the steward is part of the key."""
    viewer = StandIn(is_steward(user))
    ids = {"viewer": user.id, "viewer_organisation": user.organisation_id}
    return run_kept((key, viewer.is_steward), lambda: build(viewer), plain, **ids, **values)


def visible_filter(user):
    """The query form of can_see_thread: the same rule for every list."""
    if is_steward(user):
        return Thread.id.is_null(False)
    # EXISTS, not IN: PostgreSQL then walks a list in order and looks each thread up, instead of sorting them all.
    addressed = ThreadAddressee.select(ThreadAddressee.id).where(
        (ThreadAddressee.thread == Thread.id) & (ThreadAddressee.organisation == user.organisation_id)
    )
    return (Thread.visibility == "all") | (Thread.organisation == user.organisation_id) | fn.EXISTS(addressed)


def visibility_key(user):
    """What visible_filter reads of `user`: part of the key of anything kept of what they may see (tally)."""
    return user.organisation_id, is_steward(user)


def listable(viewer):
    """What every list keeps: the threads not merged away that `viewer` may see."""
    return Thread.merged_into.is_null(), visible_filter(viewer)


def visible_threads(user):
    """Threads `user` may see, each with their read mark (`reading`), for the unread marks."""
    return with_read_mark(Thread.listing(), user).where(visible_filter(user))


def with_read_mark(threads, user):
    mine = (ThreadRead.thread == Thread.id) & (ThreadRead.user == user.id)
    return (
        threads.switch(Thread)
        .join(ThreadRead, JOIN.LEFT_OUTER, on=mine, attr="reading")
        .select_extend(ThreadRead.read_at)
    )


# What a row of a list shows of a thread; the board's rows also say whose move it is and who owns it.
ROW_COLUMNS = (
    Thread.id,
    Thread.kind,
    Thread.title,
    Thread.status,
    Thread.visibility,
    Thread.pinned,
    Thread.post_count,
    Thread.created,
    Thread.last_activity,
    Thread.organisation,
)
BOARD_COLUMNS = ROW_COLUMNS + (
    Thread.owner,
    Thread.owner_since,
    Thread.locked,
    Thread.follow_up_on,
    Thread.asker_waiting_since,
    Thread.waiting_since,
)


def thread_rows(user, columns=ROW_COLUMNS):
    """What a list row shows of each thread, with `user`'s read mark (`reading`): for threads already found
    visible (thread_pages joins it to the page's ids)."""
    rows = Thread.select(*columns, Organisation.id, Organisation.name, Organisation.slug).join(Organisation)
    return with_read_mark(rows, user)


def threads_in_order(user, ids, rows=thread_rows):
    """The rows (rows(viewer), a function of a module: it names the kept query) of the threads with these `ids`
    that `user` may see, in the order of `ids`: one kept query per number of ids. The ids come from a list that
    only held what `user` may see, but it may have been kept (tally) across a change that committed out of order
    (PostgreSQL), so who may see each is asked again here."""
    if not ids:
        return []
    slots, values = slots_for_ids(ids)

    def built(viewer):
        return rows(viewer).where(Thread.id.in_(slots), *listable(viewer))

    key = ("threads in order", rows, len(ids))
    found = {thread.id: thread for thread in run_kept_as(user, key, built, **values)}
    return [found[thread_id] for thread_id in ids if thread_id in found]


def thread_pages(user, key, lists, numbers, size, rows=thread_rows, **values):
    """Pages of several lists of the threads `user` may see, from one kept query (run_kept_as; `key` names it
    and what it depends on besides the viewer and `values`). lists(viewer) maps each list's name to its
    (conditions, order) for a stand-in viewer, with what else changes in slots whose `values` are given; `numbers`
    maps each name to the page wanted. Each list's ids come from the thread table alone, then only those threads'
    rows (rows(viewer)) are built."""
    skips = {"skip %s" % name: (number - 1) * size for name, number in numbers.items()}

    def built(viewer):
        return _pages_query(viewer, lists(viewer), rows(viewer))

    found = {name: [] for name in numbers}
    for thread in run_kept_as(user, key, built, size=size + 1, **skips, **values):
        found[thread.picked["list"]].append(thread)
    return {name: Page(found[name], number, size) for name, number in numbers.items()}


def thread_page(user, key, page_list, number, size, rows=thread_rows, **values):
    """Page `number` of the threads `user` may see: page_list(viewer) gives (conditions, order), as thread_pages."""
    return thread_pages(user, key, lambda viewer: {"": page_list(viewer)}, {"": number}, size, rows, **values)[""]


def kept_thread_page(user, key, page_list, number, size, rows=thread_rows, **values):
    """thread_page for a list whose order sorts every thread it keeps (the board): the page's ids are kept between
    changes (tally), and at each view only those threads' rows are read, with the viewer's read marks."""

    def ids(viewer):
        return _page_ids(viewer, *page_list(viewer), "skip", Thread.id)

    def pick():
        found = run_kept_as(user, ("ids", key), ids, plain=True, size=size + 1, skip=(number - 1) * size, **values)
        return [thread_id for (thread_id,) in found]

    viewer = (user.id, *visibility_key(user))
    picked = tally.tally(("page", key, viewer, number, size, *values.items()), pick)
    return Page(threads_in_order(user, picked, rows), number, size)


def _page_ids(viewer, conditions, order, skip, *columns):
    """The `columns` of a page of one list: `size` threads, after as many as the slot `skip` says."""
    return (
        Thread.select(*columns)
        .where(*listable(viewer), *conditions)
        .order_by(*order)
        .limit(slot("size"))
        .offset(slot(skip))
    )


def _pages_query(viewer, lists, rows):
    picks = []
    for name, (conditions, order) in lists.items():
        ids = _page_ids(viewer, conditions, order, "skip %s" % name, Value(name).alias("list"), Thread.id)
        picks.append(ids.select_from(SQL("*")))  # wrapped, so that each keeps its order and limit in the UNION
    picked = reduce(operator.add, picks).alias("picked")
    # each list in its own order: a term counts only for the rows of its list
    order = [picked.c.list] + [
        Ordering(Case(None, [(picked.c.list == name, term.node)]), term.direction, nulls=term.nulls)
        for name, (_, terms) in lists.items()
        for term in (term if isinstance(term, Ordering) else term.asc() for term in terms)
    ]
    query = rows.switch(Thread).join(picked, on=(Thread.id == picked.c.id), attr="picked")
    return query.select_extend(picked.c.list).order_by(*order)


def can_reply(user, thread):
    return can_see_thread(user, thread) and (not thread.locked or is_steward(user))


def can_edit_post(user, post, thread):
    return can_reply(user, thread) and (post.author_id == user.id or is_steward(user))


def can_see_post_history(user, post, thread):
    """Everyone who may see the thread, but a hidden post's history is the steward's only."""
    return can_see_thread(user, thread) and (not post.hidden or is_steward(user))


def can_edit_title(user, thread):
    """As for posts: the thread's author while they may reply, and the steward."""
    return can_reply(user, thread) and (thread.author_id == user.id or is_steward(user))


def speaks_for_asker(user, thread):
    return is_steward(user) or thread.organisation_id == user.organisation_id


def can_resolve(user, thread):
    return thread.is_request and thread.status in LIVE_STATUSES and speaks_for_asker(user, thread)


def can_reopen(user, thread):
    return thread.is_request and thread.status in ("resolved", "closed") and speaks_for_asker(user, thread)


def can_see_contact_cards(user):
    """Who someone is (name, organisation, role) is for every partner: a mention links to it."""
    return user.is_authenticated


def can_manage_people(user):
    return is_steward(user)


def can_review_kept_details(user):
    """Details kept past the personal-data guard, with the writers' reasons, are for the steward alone."""
    return is_steward(user)


def can_tag_thread(user, thread):
    """Themes: the steward on any thread, members on their own organisation's threads."""
    return can_see_thread(user, thread) and (is_steward(user) or thread.organisation_id == user.organisation_id)
