"""Pages of a query: one extra row tells whether there is a next page, so no count query is needed."""

from flask import request, url_for

MAX_PAGE = 10_000


def page_number(args, name="page"):
    """The page asked for in the query string, 1 when it is missing or nonsense."""
    value = args.get(name, "1")
    return min(int(value), MAX_PAGE) if value.isdigit() and int(value) > 0 else 1


class Page:
    def __init__(self, query, number, size):
        rows = list(query.limit(size + 1).offset((number - 1) * size))
        self.number = number
        self.items = rows[:size]
        self.has_next = len(rows) > size
        self.has_previous = number > 1


def page_url(param, number, part=None):
    """This page's URL with page `param` set to `number` (and, for htmx, the `part` to render)."""
    args = request.args.to_dict()
    args.pop("part", None)
    args[param] = number
    if part:
        args["part"] = part
    return url_for(request.endpoint, **request.view_args, **args)
