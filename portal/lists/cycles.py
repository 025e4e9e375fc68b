"""The read side of learning cycles: the list (paged, by status and words), one cycle with what it links, the
cycles on a thread or barrier, the search page's matches, the steward's reviews, the monthly report's section and
the dashboard's waits before and after each change. Every list keeps to who may see a cycle (rules)."""

from collections import namedtuple
from datetime import date, timedelta
from statistics import median

from peewee import SQL, Value, fn

from .. import rules
from ..clock import in_london, london_midnight, now
from ..models import (
    CYCLE_OPEN,
    REQUEST_KINDS,
    Barrier,
    CycleBarrier,
    CycleEntry,
    CycleOrganisation,
    CycleRule,
    CycleThread,
    LearningCycle,
    Organisation,
    RuleVersion,
    Service,
    Thread,
    ThreadAddressee,
    ThreadTheme,
    User,
    union_all,
)
from ..paging import Page
from .cache import slot, until_next_event
from .pages import person

SEARCHED = ("title", "noticed", "trying", "learned", "changed")
REVIEW_AHEAD = 14  # days: the desk shows reviews due within this, and every overdue one


def today():
    return in_london(now()).date()


def listing(user):
    """Cycles `user` may see, with the name of the organisation that started each."""
    return (
        LearningCycle.select(LearningCycle, Organisation.id, Organisation.name, Organisation.slug)
        .join(Organisation)
        .where(rules.cycle_visible_filter(user))
    )


def with_words(query, words):
    for word in words:
        query = query.where(
            LearningCycle.title.contains(word)
            | LearningCycle.noticed.contains(word)
            | LearningCycle.trying.contains(word)
            | LearningCycle.learned.contains(word)
            | LearningCycle.changed.contains(word)
        )
    return query


def cycle_page(user, status, words, number, size):
    """Page `number` of the cycles `user` may see, latest change first, each with its organisations' names."""
    query = with_words(listing(user), words).order_by(LearningCycle.updated.desc(), LearningCycle.id.desc())
    if status:
        query = query.where(LearningCycle.status == status)
    page = Page.of(query, number, size)
    attach_involved(page.items)
    return page


def attach_involved(cycles):
    """The names of each cycle's organisations, for many cycles in one query."""
    by_cycle = {c.id: [] for c in cycles}
    if by_cycle:
        for cycle_id, name in (
            CycleOrganisation.select(CycleOrganisation.cycle, Organisation.name)
            .join(Organisation)
            .where(CycleOrganisation.cycle.in_(list(by_cycle)))
            .order_by(Organisation.name)
            .tuples()
        ):
            by_cycle[cycle_id].append(name)
    for cycle in cycles:
        cycle.involved = by_cycle[cycle.id]
    return cycles


def visible_cycle(user, cycle_id):
    """The cycle, if `user` may see it (None, for a 404, when it does not exist or is not theirs to know of)."""
    return listing(user).where(LearningCycle.id == cycle_id).first()


def details(user, cycle):
    """What a cycle's page shows beside the cycle: its organisations, the threads (that `user` may see) and
    barriers it links, and its entries, newest first."""
    involved = list(
        Organisation.select(Organisation.id, Organisation.name, Organisation.slug)
        .join(CycleOrganisation)
        .where(CycleOrganisation.cycle == cycle.id)
        .order_by(Organisation.name)
    )
    cycle._involved_ids = {o.id for o in involved}
    threads = list(
        Thread.listing()
        .join(CycleThread, on=(CycleThread.thread == Thread.id))
        .where((CycleThread.cycle == cycle.id) & rules.visible_filter(user))
        .order_by(Thread.created)
    )
    barriers, rule_versions = [], []
    for label, one, title, service, number, effective_from in union_all(
        Barrier.select(Value("barrier"), Barrier.id, Barrier.title, SQL("NULL"), SQL("NULL"), SQL("NULL"))
        .join(CycleBarrier)
        .where(CycleBarrier.cycle == cycle.id),
        RuleVersion.select(
            Value("rule"), RuleVersion.id, Service.name, Service.id, RuleVersion.number, RuleVersion.effective_from
        )
        .join(Service)
        .switch(RuleVersion)
        .join(CycleRule)
        .where(CycleRule.cycle == cycle.id),
    ):
        if label == "barrier":
            barriers.append(Barrier(id=one, title=title))
        else:
            rule_versions.append(ChangedRule(service, title, number, as_date(effective_from)))
    entries = list(
        CycleEntry.select(CycleEntry, User.id, User.name)
        .join(User)
        .where(CycleEntry.cycle == cycle.id)
        .order_by(CycleEntry.created.desc(), CycleEntry.id.desc())
    )
    return {
        "involved": involved,
        "threads": threads,
        "barriers": sorted(barriers, key=lambda b: b.title),
        "rule_versions": sorted(rule_versions),
        "entries": entries,
    }


ChangedRule = namedtuple("ChangedRule", "service_id service number effective_from")


def as_date(value):
    """A date read without peewee's conversion: SQLite gives it as its text."""
    return value if isinstance(value, date) or value is None else date.fromisoformat(value)


def cycles_on_service(user, service_id):
    """The learning cycles `user` may see that changed one of the service's rule versions, with its number."""
    return list(
        LearningCycle.select(LearningCycle.id, LearningCycle.title, LearningCycle.status, RuleVersion.number)
        .join(CycleRule)
        .join(RuleVersion)
        .where((RuleVersion.service == service_id) & rules.cycle_visible_filter(user))
        .order_by(RuleVersion.number, LearningCycle.id)
        .objects()
    )


def linked_ids(cycle):
    """The ids of the organisations, threads, barriers and rule versions a cycle links: what its edit form starts
    with."""
    return (
        [
            o
            for (o,) in CycleOrganisation.select(CycleOrganisation.organisation)
            .where(CycleOrganisation.cycle == cycle.id)
            .tuples()
        ],
        [t for (t,) in CycleThread.select(CycleThread.thread).where(CycleThread.cycle == cycle.id).tuples()],
        [b for (b,) in CycleBarrier.select(CycleBarrier.barrier).where(CycleBarrier.cycle == cycle.id).tuples()],
        [r for (r,) in CycleRule.select(CycleRule.rule).where(CycleRule.cycle == cycle.id).tuples()],
    )


def missing_threads(user, thread_ids):
    """Those of `thread_ids` that are not threads `user` may see."""
    if not thread_ids:
        return []
    seen = {
        t
        for (t,) in Thread.select(Thread.id)
        .where(Thread.id.in_(list(thread_ids)) & rules.visible_filter(user) & Thread.merged_into.is_null())
        .tuples()
    }
    return [t for t in thread_ids if t not in seen]


def cycles_on_barrier(user, barrier_id):
    return list(
        LearningCycle.select(LearningCycle.id, LearningCycle.title, LearningCycle.status)
        .join(CycleBarrier)
        .where((CycleBarrier.barrier == barrier_id) & rules.cycle_visible_filter(user))
        .order_by(LearningCycle.created)
    )


def cycles_on_thread(viewer):
    """The branch of a thread page's learning query (lists.threads.learning_lists) for the cycles that link the
    thread in slot "thread" and that `viewer` (a stand-in) may see: (label, title, id, status, here)."""
    return (
        LearningCycle.select(Value("cycle"), LearningCycle.title, LearningCycle.id, LearningCycle.status, Value(True))
        .join(CycleThread, on=(CycleThread.cycle == LearningCycle.id))
        .where((CycleThread.thread == slot("thread")) & rules.cycle_visible_filter(viewer))
    )


def found(viewer, words, most):
    """The branch of the search page's query (lists.search.also_found) for the `most` cycles changed last that
    `viewer` may see and that have every word: (label, id, title, status, organisation, when changed)."""
    columns = (Value("cycles"), LearningCycle.id, LearningCycle.title, LearningCycle.status, Organisation.name)
    query = LearningCycle.select(*columns, LearningCycle.updated).join(Organisation)
    query = with_words(query.where(rules.cycle_visible_filter(viewer)), words)
    return query.order_by(LearningCycle.updated.desc(), LearningCycle.id.desc()).limit(most)


def due_reviews(viewer):
    """The branch of the steward's desk query (lists.home.desk_query) for the open cycles whose review falls on or
    before the slot "review_by": (label, title, no slug, no count, id, review date)."""
    return LearningCycle.select(
        Value("reviews"), LearningCycle.title, SQL("NULL"), SQL("NULL"), LearningCycle.id, LearningCycle.review_on
    ).where(
        LearningCycle.status.in_(CYCLE_OPEN)
        & (LearningCycle.review_on <= slot("review_by"))
        & rules.cycle_visible_filter(viewer)
    )


def for_report(user, begin, finish, organisation=None):
    """The monthly report's cycles (of those involving `organisation`, when one is chosen): those started in the
    month, and the updates added to any in it (reviewed)."""
    involving = LearningCycle.id.is_null(False)
    if organisation is not None:
        involving = LearningCycle.id.in_(
            CycleOrganisation.select(CycleOrganisation.cycle).where(CycleOrganisation.organisation == organisation.id)
        )
    started = list(
        listing(user)
        .where((LearningCycle.created >= begin) & (LearningCycle.created < finish) & involving)
        .order_by(LearningCycle.created)
    )
    reviewed = list(
        CycleEntry.select(CycleEntry, LearningCycle, User.id, User.name)
        .join(LearningCycle)
        .switch(CycleEntry)
        .join(User)
        .where(
            (CycleEntry.created >= begin) & (CycleEntry.created < finish) & rules.cycle_visible_filter(user) & involving
        )
        .order_by(CycleEntry.created)
    )
    return {"started": started, "reviewed": reviewed}


def waits(user):
    """For each cycle `user` may see that is not a proposal: how long requests of its kind waited for a first
    response before and after its change (see docs/design.md, "learning cycle")."""
    return waited(person(user))


def change_moment(cycle):
    """When the change happened: when it was embedded, or else the day its system change is dated."""
    if cycle.embedded_at:
        return cycle.embedded_at
    if cycle.changed_on:
        return london_midnight(cycle.changed_on)
    return None


@until_next_event
def waited(viewer):
    cycles = list(
        LearningCycle.select(
            LearningCycle.id,
            LearningCycle.title,
            LearningCycle.status,
            LearningCycle.embedded_at,
            LearningCycle.changed_on,
        )
        .where(LearningCycle.status.not_in(("proposed", "declined")) & rules.cycle_visible_filter(viewer))
        .order_by(LearningCycle.created)
    )
    # Requests of a cycle's kind: addressed to one of its organisations and, when the threads it noticed carry
    # themes, sharing one of them. One query for every cycle: (cycle, raised, first response).
    noticed_themes = (
        ThreadTheme.select(CycleThread.cycle, ThreadTheme.theme)
        .join(CycleThread, on=(CycleThread.thread == ThreadTheme.thread))
        .alias("noticed_themes")
    )
    themed = fn.EXISTS(
        ThreadTheme.select(ThreadTheme.id)
        .join(noticed_themes, on=(noticed_themes.c.theme_id == ThreadTheme.theme))
        .where((ThreadTheme.thread == Thread.id) & (noticed_themes.c.cycle_id == CycleOrganisation.cycle))
    )
    any_themes = fn.EXISTS(
        ThreadTheme.select(ThreadTheme.id)
        .join(CycleThread, on=(CycleThread.thread == ThreadTheme.thread))
        .where(CycleThread.cycle == CycleOrganisation.cycle)
    )
    rows = (
        Thread.select(CycleOrganisation.cycle, Thread.id, Thread.created, Thread.first_response_at)
        .join(ThreadAddressee, on=(ThreadAddressee.thread == Thread.id))
        .join(CycleOrganisation, on=(CycleOrganisation.organisation == ThreadAddressee.organisation))
        .where(
            CycleOrganisation.cycle.in_([c.id for c in cycles] or [0])
            & Thread.kind.in_(REQUEST_KINDS)
            & Thread.merged_into.is_null()
            & rules.visible_filter(viewer)
            & (themed | ~any_themes)
        )
        .distinct()
        .tuples()
    )
    found = {c.id: {} for c in cycles}
    for cycle_id, thread_id, created, responded in rows:
        found[cycle_id][thread_id] = (created, responded)
    result = []
    for cycle in cycles:
        moment = change_moment(cycle)
        sides = {"before": [], "after": []}
        for created, responded in found[cycle.id].values():
            if moment is not None:
                sides["before" if created < moment else "after"].append(responded and responded - created)
        result.append({"cycle": cycle, "changed": moment, **{side: summary(w) for side, w in sides.items()}})
    return result


def summary(waits_of):
    """Requests counted, those answered, and the median days to a first answer among them."""
    answered = [w.total_seconds() / 86400 for w in waits_of if w is not None]
    return {
        "requests": len(waits_of),
        "answered": len(answered),
        "median_days": round(median(answered), 1) if answered else None,
    }


def review_window():
    return today() + timedelta(days=REVIEW_AHEAD)
