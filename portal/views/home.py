"""Home: what is happening for the signed-in person's organisation and across the partnership."""

from flask import Blueprint, current_app, request
from flask_login import current_user

from .. import learning, rules
from ..htmx import render, wants_fragment
from ..lists import board, home
from ..lists.cycles import today as cycle_today
from ..paging import page_number

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    # A section's "next page" link asks htmx for just that section: only its list is read.
    part = request.args.get("part")
    names = [part] if part in home.LISTS and wants_fragment() else home.LISTS
    numbers = {name: page_number(request.args, name) for name in names}
    pages = home.home_pages(current_user, numbers, current_app.config["HOME_PAGE_SIZE"])
    whole = len(names) > 1
    overview = None
    if whole and rules.can_see_overview(current_user):
        overview = {"counts": board.counts(current_user), **home.desk(current_user), "today": cycle_today()}
    checkin_due = whole and learning.checkin_due(current_user.organisation)
    return render(
        "home/index.html", part if part in pages else "content", pages=pages, overview=overview, checkin_due=checkin_due
    )
