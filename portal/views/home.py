"""Home: what is happening for the signed-in person's organisation and across the partnership."""

from flask import Blueprint, current_app, request
from flask_login import current_user

from .. import learning, rules
from ..htmx import render, wants_fragment
from ..models import LIVE_STATUSES, Thread, ThreadAddressee, attach_addressed_to
from ..paging import page_number
from . import board

bp = Blueprint("home", __name__)


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


@bp.get("/")
def index():
    # A section's "next page" link asks htmx for just that section: only its list is read.
    part = request.args.get("part")
    names = [part] if part in LISTS and wants_fragment() else LISTS
    pages = rules.thread_pages(
        current_user,
        ("home", *names),
        lambda viewer: {name: home_lists(viewer)[name] for name in names},
        {name: page_number(request.args, name) for name in names},
        current_app.config["HOME_PAGE_SIZE"],
    )
    attach_addressed_to([t for page in pages.values() for t in page.items])
    whole = len(names) > 1
    overview = None
    if whole and rules.is_steward(current_user):
        overview = {"counts": board.counts(current_user), "organisations": board.most_waited_on(current_user)}
    checkin_due = whole and learning.checkin_due(current_user.organisation)
    return render(
        "home/index.html", part if part in pages else "content", pages=pages, overview=overview, checkin_due=checkin_due
    )
