"""Search: thread titles and posts, with the list filters and highlighted snippets; htmx active search."""

from array import array
from datetime import timedelta
from itertools import chain

from flask import Blueprint, current_app, request
from flask_login import current_user

from .. import rules, search, tally
from ..clock import london_midnight, read_day
from ..db import slot
from ..htmx import render, wants_fragment
from ..paging import Page, page_number
from .threads import filter_choices, list_conditions, read_list_filters, slotted

bp = Blueprint("search", __name__)


def read_filters(args, organisations, themes):
    filters = {
        **read_list_filters(args, organisations, themes),
        "from": read_day(args.get("from", "")),
        "to": read_day(args.get("to", "")),
        "swapped": False,
        "sort": args.get("sort") if args.get("sort") in search.ORDERS else "newest",
    }
    if filters["from"] and filters["to"] and filters["from"] > filters["to"]:
        filters["from"], filters["to"], filters["swapped"] = filters["to"], filters["from"], True
    return filters


def ranked(terms, filters):
    """search.ranked for the signed-in person: what they may see that matches, within the filters (their values
    in the slots of a kept query). Each process keeps the answer until anything changes (tally), a search being
    paged and asked again, and every change to a post recording an event: its pairs of ids in one array, 16 KB
    for the thousand posts that a search reads at most (a list of tuples would take 120 KB)."""
    listed, values = slotted({name: filters[name] for name in ("kind", "status", "org", "theme")})
    if filters["from"]:
        values["since"] = london_midnight(filters["from"])
    if filters["to"]:
        values["until"] = london_midnight(filters["to"] + timedelta(days=1))

    def posts(viewer, words):
        since, until = (slot(name) if name in values else None for name in ("since", "until"))
        return search.matching_posts(viewer, words, since, until).where(*list_conditions(listed))

    def rank():
        found, capped = search.ranked(current_user, terms, filters["sort"], tuple(values), posts, **values)
        return array("q", chain.from_iterable(found)), capped

    viewer = rules.visibility_key(current_user)
    key = ("search", tuple(terms), filters["sort"], *values.items(), viewer, search.MAX_CANDIDATES)
    pairs, capped = tally.tally(key, rank)
    return list(zip(pairs[0::2], pairs[1::2], strict=True)), capped


@bp.get("/search")
def index():
    text = " ".join(request.args.get("q", "").split())
    organisations, themes = filter_choices()
    filters = read_filters(request.args, organisations, themes)
    terms = search.words(text)
    size = current_app.config["PAGE_SIZE"]
    page, count, capped, hits = None, 0, False, {}
    if terms:
        found, capped = ranked(terms, filters)
        count, number = len(found), page_number(request.args)
        best_posts = dict(found[(number - 1) * size : number * size + 1])  # this page's threads, and one more
        page = Page(rules.threads_in_order(current_user, list(best_posts)), number, size)
        for thread in page.items:
            thread.best_post = best_posts[thread.id]
        hits = search.hits(terms, [thread.best_post for thread in page.items])
    return render(
        "search/index.html",
        "results",
        text=text[: search.MAX_QUERY],
        max_length=search.MAX_QUERY,
        cut=len(text) > search.MAX_QUERY,
        terms=terms,
        filters=filters,
        orders=search.ORDERS,
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
