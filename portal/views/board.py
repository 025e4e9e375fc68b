"""The open-requests board: every live need and question, whose move it is and for how long."""

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from markupsafe import Markup

from .. import rules
from ..htmx import render, wants_fragment
from ..lists import board, filters
from ..lists.threads import changed_since
from ..models import User
from ..paging import page_number
from ..web import live_args, require, safe_next

bp = Blueprint("board", __name__)


@bp.get("/board")
def index():
    choices = board.organisations_and_owners()
    chosen = board.read_filters(request.args, choices)
    page = board.board_page(current_user, chosen, choices, page_number(request.args), current_app.config["PAGE_SIZE"])
    return render(
        "board/index.html",
        "results",
        page=page,
        filters=chosen,
        every_theme=url_for("board.index", **filters.link_args(chosen, without=("theme",))),
        organisations=choices.organisations,
        owners=choices.owners,
        counts=None if wants_fragment() else board.counts(current_user),  # the quick filters are outside the results
        today=board.today(),
        SORTS=board.SORTS,
        SHOWS=board.shows(),
        status_oob=wants_fragment(),  # the status region stays on the page: only its text changes
    )


@bp.get("/board/requests/<int:thread_id>/tools")
def tools(thread_id):
    """The steward's actions on one request of the board: the row's forms (htmx), or a page of them."""
    require(rules.can_use_board_tools(current_user))
    thread = board.board_row(current_user, thread_id)
    if thread is None:
        abort(404)
    back = safe_next(request.args.get("next")) or url_for("board.index")
    template = "board/_tools.html" if wants_fragment() else "board/tools.html"
    return render_template(template, thread=thread, owners=list(User.stewards()), back=back)


@bp.get("/board/live")
def live():
    """Board rows that changed since the page was drawn, swapped in place; 204 when none did."""
    since, ids = live_args()
    if not changed_since(current_user, since, ids):
        return "", 204
    rows, gone = board.changed_rows(current_user, ids, since)
    owners = list(User.stewards())
    today = board.today()

    def render_row(thread):
        return Markup(render_block("board/index.html", "row", thread=thread, today=today, owners=owners, oob=True))

    return render_template("board/_live.html", rows=rows, gone=gone, ids=ids, render_row=render_row)
