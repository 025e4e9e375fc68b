"""The learning dashboard's figures: they read every request of the period, so they are cached until the next
event."""

from .. import dashboard
from .cache import until_next_event
from .pages import person


def figures(user, months, organisation):
    """The dashboard's numbers, themes and barriers for `user` over `months`, for one organisation or all."""
    return counted(person(user), tuple(months), organisation)


@until_next_event
def counted(viewer, months, organisation):
    return *dashboard.numbers(viewer, list(months), organisation), dashboard.barriers_over_time(list(months))
