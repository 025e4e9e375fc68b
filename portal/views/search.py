"""Search: thread titles and posts, with the list filters and highlighted snippets; htmx active search."""

from datetime import timedelta

from flask import Blueprint, current_app, request
from flask_login import current_user

from .. import search
from ..clock import london_midnight, read_day
from ..htmx import render, wants_fragment
from ..paging import Page, page_number
from .threads import filter_choices, list_conditions, read_list_filters

bp = Blueprint("search", __name__)


def read_filters(args, organisations, themes):
    filters = {
        **read_list_filters(args, organisations, themes),
        "from": read_day(args.get("from", "")),
        "to": read_day(args.get("to", "")),
        "swapped": False,
    }
    if filters["from"] and filters["to"] and filters["from"] > filters["to"]:
        filters["from"], filters["to"], filters["swapped"] = filters["to"], filters["from"], True
    return filters


def find(terms, filters):
    """The posts the signed-in person may see that match, with the filters applied."""
    posts = search.matching_posts(
        current_user,
        terms,
        since=london_midnight(filters["from"]) if filters["from"] else None,
        until=london_midnight(filters["to"] + timedelta(days=1)) if filters["to"] else None,
    )
    return posts.where(*list_conditions(filters))


@bp.get("/search")
def index():
    text = " ".join(request.args.get("q", "").split())
    organisations, themes = filter_choices()
    filters = read_filters(request.args, organisations, themes)
    terms = search.words(text)
    size = current_app.config["PAGE_SIZE"]
    page, count, capped, hits = None, 0, False, {}
    if terms:
        posts = find(terms, filters)
        count, capped = search.tally(posts)
        page = Page.of(search.matching_threads(current_user, terms, posts), page_number(request.args), size)
        hits = search.hits(terms, [thread.best["post_id"] for thread in page.items])
    return render(
        "search/index.html",
        "results",
        text=text[: search.MAX_QUERY],
        max_length=search.MAX_QUERY,
        cut=len(text) > search.MAX_QUERY,
        terms=terms,
        filters=filters,
        organisations=organisations,
        themes=themes,
        page=page,
        count=count,
        capped=capped,
        max_candidates=search.MAX_CANDIDATES,
        size=size,
        hits=hits,
        posts_per_page=current_app.config["POSTS_PER_PAGE"],
        status_oob=wants_fragment(),
    )
