"""A list's filters, each declared once: the texts a query string may give it, the condition a chosen text keeps,
and the values of that condition's slots. Reading the query string, the SQL cache's key, the query's conditions,
the slots' values and the links that keep the filters all follow from the declarations."""

import re
from dataclasses import dataclass
from typing import Any

from .cache import slot


@dataclass(frozen=True)
class Filter:
    """`options(choices)` holds the texts allowed (choices: what the page lists, such as its organisations).
    `condition(viewer, chosen)` is the condition on threads, where `chosen` is the slot of the filter's name, or
    the text itself when `literal(text)` says the text shapes the SQL (it picks one of several conditions).
    `values(text, choices)` gives the slots' values (by default the text, in the slot of the filter's name)."""

    name: str
    options: Any
    condition: Any
    values: Any = None
    literal: Any = None

    def slot_values(self, text, choices):
        return self.values(text, choices) if self.values else {self.name: text}

    def shape(self, text):
        return text if self.literal and self.literal(text) else True


def read(declared, args, choices, **others):
    """The text chosen for each filter in `args` ("" for any); anything not allowed counts as "any". `others`
    maps more names to their allowed texts and the default (`sort=(SORTS, "waiting")`)."""
    chosen = {}
    for each in declared:
        text = args.get(each.name, "")
        chosen[each.name] = text if text in each.options(choices) else ""
    for name, (allowed, default) in others.items():
        text = args.get(name, "")
        chosen[name] = text if text in allowed else default
    return chosen


def shape(declared, chosen):
    """The part of a cached query's key that the chosen filters make: which are chosen, and their literal texts."""
    return tuple((each.name, each.shape(chosen[each.name])) for each in declared if chosen[each.name])


def conditions(declared, viewer, shape):
    """The conditions of the filters in `shape`, for a stand-in viewer."""
    by_name = {each.name: each for each in declared}
    found = []
    for name, literal in shape:
        each = by_name[name]
        found.append(each.condition(viewer, slot(name) if literal is True else literal))
    return found


def values(declared, chosen, choices):
    """The values of the chosen filters' slots."""
    found = {}
    for each in declared:
        if chosen[each.name]:
            found.update(each.slot_values(chosen[each.name], choices))
    return found


def link_args(chosen, without=()):
    """The query string's arguments that keep the chosen filters, but for those `without`."""
    return {name: text for name, text in chosen.items() if text and name not in without}


class Matching:
    """The texts allowed for a filter chosen from links rather than a list (a theme's slug): those of a pattern."""

    def __init__(self, pattern):
        self.pattern = re.compile(pattern)

    def __contains__(self, text):
        return bool(self.pattern.fullmatch(text))
