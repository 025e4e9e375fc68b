"""The search page: what a person may see that has every word typed, within the threads list's filters and a
period, ranked, a page at a time with each result's best post highlighted."""

from array import array
from collections import namedtuple
from datetime import timedelta
from itertools import chain

from .. import search
from ..clock import london_midnight, read_day
from ..models import CYCLE_STATUSES, SERVICE_STATUSES, union_all
from ..paging import Page
from . import cycles, filters, services, threads
from .cache import slot, sql, until_next_event
from .pages import person, threads_in_order


def read_filters(args, choices):
    chosen = {
        **threads.read_filters(args, choices),
        "from": read_day(args.get("from", "")),
        "to": read_day(args.get("to", "")),
        "swapped": False,
        "sort": args.get("sort") if args.get("sort") in search.ORDERS else "newest",
    }
    if chosen["from"] and chosen["to"] and chosen["from"] > chosen["to"]:
        chosen["from"], chosen["to"], chosen["swapped"] = chosen["to"], chosen["from"], True
    return chosen


@sql
def candidates(viewer, order, shape, since, until):
    """The newest matching posts (search.matching_posts) within the filters in `shape`, from the slot "since" and
    up to "until" when those are chosen; with their score for the best-match order."""
    found = search.matching_posts(
        viewer, slot("words"), slot("since") if since else None, slot("until") if until else None
    ).where(*filters.conditions(threads.FILTERS, viewer, shape))
    if order == "best":
        found = found.select_extend(search.score(slot("words")))
    return found.limit(slot("most"))


@until_next_event
def ranked(viewer, terms, order, shape, values, most):
    """The threads with posts that `viewer` (a Person) may see that have all `terms`, best first, each with its best
    post, as pairs of ids in one array (a search being paged and asked again, it is cached until the next event;
    an array takes a fraction of a list of tuples); and whether older matching posts were left out."""
    values = dict(values)
    rows = candidates.run_as(
        viewer,
        order,
        shape,
        "since" in values,
        "until" in values,
        plain=True,
        words=search.query_words(terms),
        most=most + 1,
        **values,
    )
    found, capped = search.best_of(rows, most)
    return array("q", chain.from_iterable(found)), capped


def results(user, terms, chosen, choices, number, size):
    """Page `number` of the search for `terms` with the filters `chosen`: the page, how many threads were found,
    whether older matches were left out, and each result's highlighted hit."""
    shape = filters.shape(threads.FILTERS, chosen)
    values = filters.values(threads.FILTERS, chosen, choices)
    if chosen["from"]:
        values["since"] = london_midnight(chosen["from"])
    if chosen["to"]:
        values["until"] = london_midnight(chosen["to"] + timedelta(days=1))
    pairs, capped = ranked(
        person(user), tuple(terms), chosen["sort"], shape, tuple(sorted(values.items())), search.MAX_CANDIDATES
    )
    found = list(zip(pairs[0::2], pairs[1::2], strict=True))
    best_posts = dict(found[(number - 1) * size : number * size + 1])  # this page's threads, and one more
    page = Page(threads_in_order(user, list(best_posts)), number, size)
    for thread in page.items:
        thread.best_post = best_posts[thread.id]
    return page, len(found), capped, search.hits(terms, [thread.best_post for thread in page.items])


Found = namedtuple("Found", "id title status_label organisation")


def also_found(user, words, most=5):
    """Beside the threads: the learning cycles `user` may see and the services that have every word, up to `most`
    of each with whether there were more, as {"cycles": (found, more), "services": (found, more)}. One query for
    both, kept until the next event as the ranking is."""
    return _also_found(person(user), tuple(words), most)


@until_next_event
def _also_found(viewer, words, most):
    rows = list(union_all(cycles.found(viewer, words, most + 1), services.found(words, most + 1)))
    # each branch is ordered within itself; a UNION ALL promises no order, so each is put back in order here
    cycles_found = sorted((r for r in rows if r[0] == "cycles"), key=lambda r: (r[5], r[1]), reverse=True)
    services_found = sorted((r for r in rows if r[0] == "services"), key=lambda r: (r[2], r[1]))
    return {
        "cycles": _first(cycles_found, CYCLE_STATUSES, most),
        "services": _first(services_found, SERVICE_STATUSES, most),
    }


def _first(rows, statuses, most):
    return [Found(id, title, statuses[status], name) for _, id, title, status, name, _ in rows[:most]], len(rows) > most
