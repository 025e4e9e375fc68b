"""Home's three lists: the live requests addressed to the person's organisation, its own, and the updates."""

from ..models import LIVE_STATUSES, Thread, ThreadAddressee
from .pages import thread_pages
from .rows import attach_addressed_to

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
