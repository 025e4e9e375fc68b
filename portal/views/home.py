"""Home: what is happening for the signed-in person's organisation and across the partnership."""

from flask import Blueprint, current_app, request
from flask_login import current_user

from .. import learning, rules
from ..htmx import render
from ..models import LIVE_STATUSES, Thread, ThreadAddressee, attach_addressees
from ..paging import Page, page_number
from ..rules import visible_threads
from . import board

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    size = current_app.config["PAGE_SIZE"]
    organisation = current_user.organisation_id
    addressed_to_us = ThreadAddressee.select(ThreadAddressee.thread).where(ThreadAddressee.organisation == organisation)
    live = Thread.status.in_(LIVE_STATUSES)
    lists = {
        "addressed": visible_threads(current_user)
        .where(live & Thread.id.in_(addressed_to_us))
        .order_by(Thread.created, Thread.id),
        "own": visible_threads(current_user)
        .where(live & (Thread.organisation == organisation))
        .order_by(Thread.created, Thread.id),
        "updates": visible_threads(current_user)
        .where(Thread.kind == "update")
        .order_by(Thread.pinned.desc(), Thread.last_activity.desc(), Thread.id.desc()),
    }
    pages = {name: Page(query, page_number(request.args, name), size, keys_first=True) for name, query in lists.items()}
    attach_addressees([t for page in pages.values() for t in page.items])
    overview = None
    if rules.is_steward(current_user):
        overview = {"counts": board.counts(current_user), "organisations": list(board.most_waited_on(current_user))}
    # A section's "next page" link asks for just that section.
    part = request.args.get("part")
    checkin_due = learning.checkin_due(current_user.organisation)
    return render(
        "home/index.html", part if part in pages else "content", pages=pages, overview=overview, checkin_due=checkin_due
    )
