"""The list engine: pages of the threads a person may see, and the rows a list shows of each.

A list is a module's function `lists(viewer, *shape)` giving each list's name its (conditions, order) for a
stand-in viewer (cache.StandIn), with the values that change from view to view in slots: the SQL cache's key is
that function and `shape`, so both must say everything the query depends on. Each list's ids come from the thread
table alone, then only those threads' rows are read, several lists in one query (UNION ALL).
"""

import operator
from functools import reduce
from typing import NamedTuple

from peewee import JOIN, SQL, Case, Ordering, Value

from .. import rules
from ..models import Organisation, Thread, ThreadRead
from ..paging import Page
from .cache import id_slots, slot, slots_for_ids, sql, stand_in, until_next_event, viewer_values


class Person(NamedTuple):
    """What the lists read of the signed-in person, as a plain value that a cache's key can hold."""

    id: int
    organisation_id: int
    is_steward: bool
    is_authenticated = True


def person(user):
    return Person(user.id, user.organisation_id, rules.is_steward(user))


def listable(viewer):
    """What every list keeps: the threads not merged away that `viewer` may see."""
    return Thread.merged_into.is_null(), rules.visible_filter(viewer)


def visible_threads(user):
    """Threads `user` may see, each with their read mark (`reading`), for the unread marks."""
    return with_read_mark(Thread.listing(), user).where(rules.visible_filter(user))


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


def thread_rows(viewer, columns=ROW_COLUMNS):
    """What a list row shows of each thread, with `viewer`'s read mark (`reading`): for threads already found
    visible (thread_pages joins it to the page's ids)."""
    rows = Thread.select(*columns, Organisation.id, Organisation.name, Organisation.slug).join(Organisation)
    return with_read_mark(rows, viewer)


@sql
def rows_in_order(viewer, count, rows):
    return rows(viewer).where(Thread.id.in_(id_slots(count)), *listable(viewer))


def threads_in_order(user, ids, rows=thread_rows):
    """The rows (rows(viewer), a function of a module) of the threads with these `ids` that `user` may see, in the
    order of `ids`: one cached query per number of ids. The ids come from a list that only held what `user` may
    see, but it may have been cached across a change that committed out of order (PostgreSQL), so who may see each
    is asked again here."""
    if not ids:
        return []
    slots, values = slots_for_ids(ids)
    found = rows_in_order.run(stand_in(user), len(slots), rows, **viewer_values(user), **values)
    found = {thread.id: thread for thread in found}
    return [found[thread_id] for thread_id in ids if thread_id in found]


def page_ids(viewer, conditions, order, skip, *columns):
    """The `columns` of a page of one list: "size" threads, after as many as the slot `skip` says."""
    return (
        Thread.select(*columns)
        .where(*listable(viewer), *conditions)
        .order_by(*order)
        .limit(slot("size"))
        .offset(slot(skip))
    )


@sql
def pages_query(viewer, lists, shape, names, rows):
    """The rows of a page of each of the lists `names` of lists(viewer, *shape), one query."""
    chosen = {name: lists(viewer, *shape)[name] for name in names}
    picks = []
    for name, (conditions, order) in chosen.items():
        ids = page_ids(viewer, conditions, order, "skip %s" % name, Value(name).alias("list"), Thread.id)
        picks.append(ids.select_from(SQL("*")))  # wrapped, so that each keeps its order and limit in the UNION
    picked = reduce(operator.add, picks).alias("picked")
    # each list in its own order: a term counts only for the rows of its list
    order = [picked.c.list] + [
        Ordering(Case(None, [(picked.c.list == name, term.node)]), term.direction, nulls=term.nulls)
        for name, (_, terms) in chosen.items()
        for term in (term if isinstance(term, Ordering) else term.asc() for term in terms)
    ]
    query = rows(viewer).switch(Thread).join(picked, on=(Thread.id == picked.c.id), attr="picked")
    return query.select_extend(picked.c.list).order_by(*order)


def thread_pages(user, lists, shape, numbers, size, rows=thread_rows, **values):
    """Pages of several lists of the threads `user` may see, from one query: lists(viewer, *shape) as in the
    module's notes, with `values` in its slots; `numbers` maps each list's name to the page wanted."""
    skips = {"skip %s" % name: (number - 1) * size for name, number in numbers.items()}
    names = tuple(numbers)
    found = {name: [] for name in names}
    for thread in pages_query.run_as(user, lists, shape, names, rows, size=size + 1, **skips, **values):
        found[thread.picked["list"]].append(thread)
    return {name: Page(found[name], number, size) for name, number in numbers.items()}


def thread_page(user, page_list, shape, number, size, rows=thread_rows, **values):
    """Page `number` of one list: page_list(viewer, *shape) gives its (conditions, order)."""
    return thread_pages(user, one_list, (page_list, shape), {"": number}, size, rows, **values)[""]


def one_list(viewer, page_list, shape):
    return {"": page_list(viewer, *shape)}


@sql
def ids_query(viewer, page_list, shape):
    return page_ids(viewer, *page_list(viewer, *shape), "skip", Thread.id)


@until_next_event
def cached_ids(viewer, page_list, shape, number, size, values):
    """The ids of page `number` of a list, for a Person."""
    skip = (number - 1) * size
    found = ids_query.run_as(viewer, page_list, shape, plain=True, size=size + 1, skip=skip, **dict(values))
    return tuple(thread_id for (thread_id,) in found)


def cached_thread_page(user, page_list, shape, number, size, rows=thread_rows, **values):
    """thread_page for a list whose order sorts every thread it keeps (the board): the page's ids are cached until
    the next event, and at each view only those threads' rows are read, with the viewer's read marks."""
    picked = cached_ids(person(user), page_list, shape, number, size, tuple(sorted(values.items())))
    return Page(threads_in_order(user, list(picked), rows), number, size)
