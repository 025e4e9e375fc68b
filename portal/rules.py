"""Who may see and do what: one function per question, and the list filter that agrees with them.

Views call these before acting; templates call them (as `may`) before showing a button.
"""

from peewee import JOIN, fn

from .models import LIVE_STATUSES, Thread, ThreadAddressee, ThreadRead
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
    return thread_rows(user).where(visible_filter(user))


def thread_rows(user):
    """What a list row shows of each thread, with `user`'s read mark (`reading`): for threads already found
    visible (thread_page joins it to the page's ids)."""
    mine = (ThreadRead.thread == Thread.id) & (ThreadRead.user == user.id)
    return (
        Thread.listing()
        .switch(Thread)
        .join(ThreadRead, JOIN.LEFT_OUTER, on=mine, attr="reading")
        .select_extend(ThreadRead.read_at)
    )


def thread_page(user, conditions, order, number, size, rows=None):
    """Page `number` of the threads `user` may see that meet every one of `conditions`, in `order`: the page's
    ids come from the thread table alone, then only their rows are built (`rows`, thread_rows by default)."""
    ids = Thread.select(Thread.id).where(Thread.merged_into.is_null(), visible_filter(user), *conditions)
    rows = thread_rows(user) if rows is None else rows
    return Page(rows.order_by(*order), number, size, keys=ids.order_by(*order))


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
