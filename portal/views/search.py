"""Search: thread titles and posts, with the list filters and highlighted snippets; htmx active search."""

from flask import Blueprint, current_app, request
from flask_login import current_user

from .. import search
from ..htmx import render, wants_fragment
from ..lists import cycles, services, threads
from ..lists.search import read_filters, results
from ..paging import page_number

bp = Blueprint("search", __name__)


@bp.get("/search")
def index():
    text = " ".join(request.args.get("q", "").split())
    choices = threads.filter_choices()
    chosen = read_filters(request.args, choices)
    terms = search.words(text)
    size = current_app.config["PAGE_SIZE"]
    page, count, capped, hits = None, 0, False, {}
    found_cycles, more_cycles = [], False
    found_services, more_services = [], False
    if terms:
        page, count, capped, hits = results(current_user, terms, chosen, choices, page_number(request.args), size)
        found_cycles, more_cycles = cycles.matching(current_user, terms)
        found_services, more_services = services.matching(terms)
    return render(
        "search/index.html",
        "results",
        text=text[: search.MAX_QUERY],
        max_length=search.MAX_QUERY,
        cut=len(text) > search.MAX_QUERY,
        terms=terms,
        filters=chosen,
        orders=search.ORDERS,
        organisations=choices.organisations,
        themes=choices.themes,
        page=page,
        count=count,
        capped=capped,
        max_candidates=search.MAX_CANDIDATES,
        size=size,
        hits=hits,
        cycles=found_cycles,
        more_cycles=more_cycles,
        services=found_services,
        more_services=more_services,
        posts_per_page=current_app.config["POSTS_PER_PAGE"],
        status_oob=wants_fragment(),
    )
