"""Home's three lists: the live requests addressed to the person's organisation, its own, and the updates."""

from collections import namedtuple
from datetime import date

from peewee import SQL, Value

from ..models import LIVE_STATUSES, Thread, ThreadAddressee, union_all
from .board import waiting_on
from .cache import sql, until_next_event
from .cycles import due_reviews, review_window
from .pages import person, thread_pages
from .rows import attach_addressed_to
from .services import unconfirmed_services, unconfirmed_since

WaitedOn = namedtuple("WaitedOn", "name slug waits")
Review = namedtuple("Review", "title id review_on")
Unconfirmed = namedtuple("Unconfirmed", "name organisation id confirmed_on")

LISTS = ("addressed", "own", "updates")


def home_lists(viewer):
    """The live requests addressed to the viewer's organisation and its own, oldest first; and the updates."""
    organisation = viewer.organisation_id
    oldest_first = (Thread.created, Thread.id)
    return {
        # from the addressees' copy of whether each is live: SQLite would walk every live request for the status
        "addressed": ([Thread.id.in_(ThreadAddressee.live_for(organisation))], oldest_first),
        "own": ([Thread.status.in_(LIVE_STATUSES), Thread.organisation == organisation], oldest_first),
        "updates": ([Thread.kind == "update"], (Thread.pinned.desc(), Thread.last_activity.desc(), Thread.id.desc())),
    }


def home_pages(user, numbers, size):
    """The pages asked for (`numbers`: a list's name and its page) of home's lists, in one query."""
    pages = thread_pages(user, home_lists, (), numbers, size)
    attach_addressed_to([t for page in pages.values() for t in page.items])
    return pages


def desk(user):
    """The steward's desk beside the counts: every organisation with requests waiting on it, those waited on
    most first, and the learning cycles whose review is due within lists.cycles.REVIEW_AHEAD days or overdue,
    soonest first. One query when anything has changed."""
    return desk_lists(person(user), review_window(), unconfirmed_since().date())


def as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(value)  # SQLite gives a date as its text


@until_next_event
def desk_lists(viewer, review_by, unconfirmed_by):
    organisations, reviews, services = [], [], []
    rows = desk_query.run_as(
        viewer, plain=True, review_by=review_by.isoformat(), unconfirmed_by=unconfirmed_by.isoformat()
    )
    for label, name, slug, waits, cycle_id, review_on in rows:
        if label == "organisations":
            organisations.append(WaitedOn(name, slug, waits))
        elif label == "services":
            services.append(Unconfirmed(name, slug, cycle_id, as_date(review_on)))
        else:
            # SQLite gives a date as its text
            reviews.append(
                Review(name, cycle_id, review_on if isinstance(review_on, date) else date.fromisoformat(review_on))
            )
    return {
        "organisations": sorted(organisations, key=lambda o: (-o.waits, o.name)),
        "reviews": sorted(reviews, key=lambda r: (r.review_on, r.id)),
        "services": sorted(services, key=lambda s: (s.confirmed_on, s.id)),
    }


@sql
def desk_query(viewer):
    waited = waiting_on(viewer, first=[Value("organisations")], last=[SQL("NULL"), SQL("NULL")])
    return union_all(waited, due_reviews(viewer), unconfirmed_services())
