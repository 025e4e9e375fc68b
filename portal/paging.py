"""Pages of a query: one extra row tells whether there is a next page, so no count query is needed."""

from flask import request, url_for

MAX_PAGE = 10_000
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def id_from(text):
    """A row id typed or sent by someone (a form field, a query string), or None when it cannot be one."""
    text = (text or "").strip().lstrip("#")
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def page_number(args, name="page"):
    """The page asked for in the query string, 1 when it is missing or nonsense."""
    value = args.get(name, "1")
    number = int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 0
    return min(number, MAX_PAGE) if number > 0 else 1


class Page:
    """One page of a list: its rows, and whether pages come before and after it."""

    def __init__(self, rows, number, size):
        """`rows` are the page's rows and, when there is a next page, one more."""
        self.number = number
        self.items = rows[:size]
        self.has_next = len(rows) > size
        self.has_previous = number > 1

    @classmethod
    def of(cls, query, number, size):
        """Page `number` of `query`'s rows, `size` to a page."""
        return cls(list(query.limit(size + 1).offset((number - 1) * size)), number, size)


def page_url(param, number, part=None):
    """This page's URL with page `param` set to `number` (and, for htmx, the `part` to render)."""
    # only the query's own filters: never a key that url_for reads itself or that is part of the path
    args = {k: v for k, v in request.args.items() if not k.startswith("_") and k not in request.view_args}
    args.pop("part", None)
    args[param] = number
    if part:
        args["part"] = part
    return url_for(request.endpoint, **request.view_args, **args)
