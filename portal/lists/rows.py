"""What list rows show beside the thread itself, for a page of threads in one query each: the organisations they
are addressed to and their themes."""

from ..models import Organisation, Tag, Theme, ThreadAddressee, ThreadTheme
from .cache import id_slots, sql


@sql
def addressees_of(count):
    """The addressees of the threads in the id slots, with the name and address of each organisation."""
    return (
        ThreadAddressee.select(ThreadAddressee, Organisation.id, Organisation.name, Organisation.slug)
        .join(Organisation)
        .where(ThreadAddressee.thread.in_(id_slots(count)))
        .order_by(Organisation.name)
    )


def attach_addressees(threads):
    """Load the addressed organisations of many threads in one query."""
    by_thread = {t.id: [] for t in threads}
    if by_thread:
        for row in addressees_of.for_ids(by_thread):
            by_thread[row.thread_id].append(row)
    for thread in threads:
        thread._addressees = by_thread[thread.id]
    return threads


@sql
def addressed_names(count):
    return (
        ThreadAddressee.select(ThreadAddressee.thread, Organisation.name)
        .join(Organisation)
        .where(ThreadAddressee.thread.in_(id_slots(count)))
        .order_by(Organisation.name)
        .tuples()
    )


def attach_addressed_to(threads):
    """Load what list rows show of the organisations many threads are addressed to (their names), in one query."""
    names = {t.id: [] for t in threads}
    if names:
        for thread_id, name in addressed_names.for_ids(names):
            names[thread_id].append(name)
    for thread in threads:
        thread._addressed_to = ", ".join(names[thread.id])
    return threads


@sql
def themes_of(count):
    return (
        ThreadTheme.select(ThreadTheme.thread, Theme.name, Theme.slug)
        .join(Theme)
        .where(ThreadTheme.thread.in_(id_slots(count)))
        .order_by(Theme.name)
        .tuples()
    )


def attach_themes(threads):
    """Load the themes of many threads in one query (as thread.themes, each a Tag)."""
    by_thread = {t.id: [] for t in threads}
    if by_thread:
        for thread_id, name, slug in themes_of.for_ids(by_thread):
            by_thread[thread_id].append(Tag(name, slug))
    for thread in threads:
        thread.themes = by_thread[thread.id]
    return threads
