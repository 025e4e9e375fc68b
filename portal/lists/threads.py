"""The threads list and what the thread page reads: the thread with the reader's state, its themes and barriers,
and what changed since a page was drawn.

To add a filter to the threads list (and search, which shares them): declare it in FILTERS and add its field to
templates/threads/index.html (and templates/search/index.html)."""

from collections import namedtuple

from peewee import JOIN, Value, fn

from .. import rules
from ..models import (
    STATUSES,
    THREAD_KINDS,
    Barrier,
    BarrierThread,
    LearningCycle,
    Notification,
    Organisation,
    Theme,
    Thread,
    ThreadAddressee,
    ThreadLink,
    ThreadTheme,
    User,
    Watch,
    short_lists,
    union_all,
    with_theme,
)
from . import filters
from .cache import slot, sql
from .cycles import cycles_on_thread
from .filters import Filter
from .pages import thread_page, visible_threads
from .rows import attach_addressed_to, attach_themes

Choice = namedtuple("Choice", "name slug")
Choices = namedtuple("Choices", "organisations themes")

FILTERS = (
    Filter("kind", lambda choices: THREAD_KINDS, lambda viewer, kind: Thread.kind == kind),
    Filter("status", lambda choices: STATUSES, lambda viewer, status: Thread.status == status),
    Filter(
        "org",
        lambda choices: {o.slug for o in choices.organisations},
        lambda viewer, org: Thread.organisation.in_(
            Organisation.select(Organisation.id).where(Organisation.slug == org)
        ),
    ),
    Filter("theme", lambda choices: {t.slug for t in choices.themes}, lambda viewer, theme: with_theme(theme)),
)


def by_slug(slug):
    return Organisation.select(Organisation.id).where(Organisation.slug == slug)


ORDER = (Thread.pinned.desc(), Thread.last_activity.desc(), Thread.id.desc())


@sql
def filter_choice_lists():
    return union_all(
        Organisation.select(Value("organisations"), Organisation.name, Organisation.slug),
        Theme.select(Value("themes"), Theme.name, Theme.slug),
    )


def filter_choices():
    """The organisations and themes that the list filters offer, by name, from one query."""
    lists = short_lists(filter_choice_lists.run())
    return Choices([Choice(*row) for row in lists["organisations"]], [Choice(*row) for row in lists["themes"]])


def read_filters(args, choices):
    """The kind, status, organisation and theme asked for; anything unknown counts as "any"."""
    return filters.read(FILTERS, args, choices)


def threads_list(viewer, shape):
    return filters.conditions(FILTERS, viewer, shape), ORDER


def threads_page(user, chosen, choices, number, size):
    """A page of the threads `user` may see that the filters `chosen` keep, with their addressees and themes."""
    shape = filters.shape(FILTERS, chosen)
    page = thread_page(user, threads_list, (shape,), number, size, **filters.values(FILTERS, chosen, choices))
    attach_themes(attach_addressed_to(page.items))
    return page


@sql
def thread_with_page_state(viewer):
    """The thread in slot "thread" if `viewer` may see it: a row per addressee (with their organisation), each
    with what the thread page asks besides the thread: the viewer's watch level and unread notices, and whether
    the thread is linked (most are not, so no query looks for links)."""
    Addressed = Organisation.alias("addressed")
    watch_level = Watch.select(Watch.level).where((Watch.user == viewer.id) & (Watch.thread == Thread.id))
    notices = Notification.select(fn.COUNT(Notification.id)).where(
        (Notification.user == viewer.id) & (Notification.thread == Thread.id) & Notification.read_at.is_null()
    )
    links = ThreadLink.select(ThreadLink.id).where((ThreadLink.first == Thread.id) | (ThreadLink.second == Thread.id))
    return (
        visible_threads(viewer)
        .where(Thread.id == slot("thread"))
        .select_extend(
            watch_level.alias("watch_level"), notices.alias("unread_notices"), fn.EXISTS(links).alias("has_links")
        )
        .switch(Thread)
        .join(ThreadAddressee, JOIN.LEFT_OUTER, on=(ThreadAddressee.thread == Thread.id), attr="addressee")
        .join(Addressed, JOIN.LEFT_OUTER, on=(ThreadAddressee.organisation == Addressed.id), attr="organisation")
        .select_extend(ThreadAddressee, Addressed)
        .order_by(Thread.id, Addressed.name)
    )


def visible_thread(user, thread_id):
    """The thread with its addressees and `user`'s state (watch level, unread notices), if they may see it."""
    rows = list(thread_with_page_state.run_as(user, thread=thread_id))
    if not rows:
        return None
    thread = rows[0]
    thread._addressees = [row.addressee for row in rows if row.addressee is not None and row.addressee.id]
    return thread if rules.can_see_thread(user, thread) else None


def merged_into(thread_id):
    """The thread that this one was merged into, if it was."""
    return Thread.select(Thread.merged_into).where(Thread.id == thread_id).scalar()


@sql
def learning_lists(viewer):
    """Every theme in use or on the thread in slot "thread", and every barrier, each saying whether it is on it;
    and the learning cycles that link the thread which `viewer` may see."""
    on_thread = (ThreadTheme.theme == Theme.id) & (ThreadTheme.thread == slot("thread"))
    themes = (
        Theme.select(Value("theme"), Theme.name, Theme.id, Theme.slug, ThreadTheme.id.is_null(False))
        .join(ThreadTheme, JOIN.LEFT_OUTER, on=on_thread)
        .where(Theme.active | ThreadTheme.id.is_null(False))
    )
    linked = (BarrierThread.barrier == Barrier.id) & (BarrierThread.thread == slot("thread"))
    barriers = Barrier.select(
        Value("barrier"), Barrier.title, Barrier.id, Barrier.status, BarrierThread.id.is_null(False)
    ).join(BarrierThread, JOIN.LEFT_OUTER, on=linked)
    return union_all(themes, barriers, cycles_on_thread(viewer))


def learning_context(user, thread):
    """The thread's themes, barriers and learning cycles, and what `user` could add, from one query."""
    lists = short_lists(learning_lists.run_as(user, thread=thread.id))
    themes = [(Theme(id=id, name=name, slug=slug), here) for name, id, slug, here in lists["theme"]]
    barriers = [(Barrier(id=id, title=title, status=status), here) for title, id, status, here in lists["barrier"]]
    thread.themes = [theme for theme, here in themes if here]
    return {
        "barriers": [barrier for barrier, here in barriers if here],
        "cycles": [LearningCycle(id=id, title=title, status=status) for title, id, status, _ in lists["cycle"]],
        # retired themes stay offered on the threads that have them, so saving does not drop them
        "theme_choices": [theme for theme, _ in themes] if rules.can_tag_thread(user, thread) else [],
        "barrier_choices": [barrier for barrier, _ in barriers] if rules.can_link_barriers(user) else [],
    }


def changed_since(user, since, ids):
    """Whether any of these threads that `user` may see changed after `since`: one small query."""
    if not ids:
        return False
    latest = (
        Thread.select(fn.MAX(Thread.changed_at))
        .where(Thread.id.in_(ids) & rules.visible_filter(user) & Thread.merged_into.is_null())
        .scalar()
    )
    return latest is not None and latest > since


def last_change(user, thread_id):
    """When the thread last changed, if `user` may see it (the thread page's live poll)."""
    return (
        Thread.select(Thread.changed_at)
        .where((Thread.id == thread_id) & rules.visible_filter(user) & Thread.merged_into.is_null())
        .scalar()
    )


def changed_rows(user, ids, since):
    """The rows of a list among `ids` that changed after `since`."""
    threads = list(visible_threads(user).where(Thread.id.in_(ids) & (Thread.changed_at > since)))
    return attach_addressed_to(threads)


@sql
def steward_choice_lists():
    taken = ThreadAddressee.select(ThreadAddressee.organisation).where(ThreadAddressee.thread == slot("thread"))
    return union_all(
        Organisation.select(Value("organisations"), Organisation.name, Organisation.id).where(
            (Organisation.active == True) & Organisation.id.not_in(taken)
        ),
        User.select(Value("owners"), User.name, User.id).where((User.role == "steward") & (User.active == True)),
    )


def steward_choices(thread):
    """What the steward's tools offer on a live request, in one query: the stewards who could own it, and the
    active organisations it could still be addressed to, each by name."""
    lists = short_lists(steward_choice_lists.run(thread=thread.id))
    return {
        "owners": [User(id=id, name=name) for name, id in lists["owners"]],
        "organisations": [Organisation(id=id, name=name) for name, id in lists["organisations"]],
    }
