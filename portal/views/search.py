"""Search: thread titles and posts, with the list filters and highlighted snippets; htmx active search."""

from flask import Blueprint, current_app, request
from flask_login import current_user

from .. import search
from ..htmx import render, wants_fragment
from ..lists import threads
from ..lists.search import also_found, read_filters, results
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
    also = {"cycles": ([], False), "services": ([], False)}
    if terms:
        page, count, capped, hits = results(current_user, terms, chosen, choices, page_number(request.args), size)
        also = also_found(current_user, terms)
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
        cycles=also["cycles"][0],
        more_cycles=also["cycles"][1],
        services=also["services"][0],
        more_services=also["services"][1],
        posts_per_page=current_app.config["POSTS_PER_PAGE"],
        status_oob=wants_fragment(),
    )
