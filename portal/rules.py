"""Who may see and do what: one function per question, and the list filter that agrees with them.

Views call these before acting; templates call them (as `may`) before showing a button.
"""

import operator
from functools import reduce

from peewee import JOIN, SQL, Case, Ordering, Value, fn

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


def visible_filter(user):
    """The query form of can_see_thread: the same rule for every list."""
    if is_steward(user):
        return Thread.id.is_null(False)
    # EXISTS, not IN: PostgreSQL then walks a list in order and looks each thread up, instead of sorting them all.
    addressed = ThreadAddressee.select(ThreadAddressee.id).where(
        (ThreadAddressee.thread == Thread.id) & (ThreadAddressee.organisation == user.organisation_id)
    )
    return (Thread.visibility == "all") | (Thread.organisation == user.organisation_id) | fn.EXISTS(addressed)


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
    Thread.owner,
    Thread.owner_since,
    Thread.follow_up_on,
    Thread.asker_waiting_since,
    Thread.waiting_since,
)


def thread_rows(user):
    """What a list row shows of each thread, with `user`'s read mark (`reading`): for threads already found
    visible (thread_pages joins it to the page's ids)."""
    rows = Thread.select(*ROW_COLUMNS, Organisation.id, Organisation.name, Organisation.slug).join(Organisation)
    return with_read_mark(rows, user)


def thread_pages(user, lists, size, rows=None):
    """Pages of several lists of the threads `user` may see, from one query. `lists` maps each list's name to
    (conditions, order, page number); the answer maps it to its Page. Each list's ids come from the thread table
    alone, then only those threads' rows are built (`rows`: thread_rows unless given)."""
    picks = []
    for name, (conditions, order, number) in lists.items():
        ids = (
            Thread.select(Value(name).alias("list"), Thread.id)
            .where(Thread.merged_into.is_null(), visible_filter(user), *conditions)
            .order_by(*order)
            .limit(size + 1)
            .offset((number - 1) * size)
        )
        picks.append(ids.select_from(SQL("*")))  # wrapped, so that each keeps its order and limit in the UNION
    picked = reduce(operator.add, picks).alias("picked")
    # each list in its own order: a term counts only for the rows of its list
    order = [picked.c.list] + [
        Ordering(Case(None, [(picked.c.list == name, term.node)]), term.direction, nulls=term.nulls)
        for name, (_, terms, _) in lists.items()
        for term in (term if isinstance(term, Ordering) else term.asc() for term in terms)
    ]
    found = {name: [] for name in lists}
    query = (thread_rows(user) if rows is None else rows).switch(Thread)
    query = query.join(picked, on=(Thread.id == picked.c.id), attr="picked").select_extend(picked.c.list)
    for thread in query.order_by(*order):
        found[thread.picked["list"]].append(thread)
    return {name: Page(found[name], number, size) for name, (_, _, number) in lists.items()}


def thread_page(user, conditions, order, number, size, rows=None):
    """Page `number` of the threads `user` may see that meet every one of `conditions`, in `order`."""
    return thread_pages(user, {"": (conditions, order, number)}, size, rows)[""]


def can_reply(user, thread):
    return can_see_thread(user, thread) and (not thread.locked or is_steward(user))


def can_edit_post(user, post, thread):
    return can_reply(user, thread) and (post.author_id == user.id or is_steward(user))


def speaks_for_asker(user, thread):
    return is_steward(user) or thread.organisation_id == user.organisation_id


def can_resolve(user, thread):
    return thread.is_request and thread.status in LIVE_STATUSES and speaks_for_asker(user, thread)


def can_reopen(user, thread):
    return thread.is_request and thread.status in ("resolved", "closed") and speaks_for_asker(user, thread)


def can_manage_people(user):
    return is_steward(user)


def can_tag_thread(user, thread):
    """Themes: the steward on any thread, members on their own organisation's threads."""
    return can_see_thread(user, thread) and (is_steward(user) or thread.organisation_id == user.organisation_id)
