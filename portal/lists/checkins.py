"""Check-ins by month: one month across the organisations (the steward's side by side), and one organisation's
past months. Each page is two queries at most, whatever the number of organisations or months."""

from peewee import fn

from .. import rules
from ..models import Organisation, Post, Thread
from ..paging import Page


def checkins(viewer):
    """Check-in threads the viewer may see, each with its first post's text (as `opening`)."""
    earlier = Post.alias()
    first = earlier.select(fn.MIN(earlier.id)).where(earlier.thread == Thread.id)
    return (
        Thread.select(
            Thread.id,
            Thread.title,
            Thread.organisation,
            Thread.checkin_month,
            Thread.created,
            Thread.post_count,
            Post.id,
            Post.body_html,
            Post.hidden,
        )
        .join(Post, on=(Post.thread == Thread.id), attr="opening")
        .where(
            Thread.checkin_month.is_null(False)
            & Thread.merged_into.is_null()
            & rules.visible_filter(viewer)
            & (Post.id == first)
        )
    )


def month_across(viewer, month, number, size):
    """A page of the active organisations, by name, each with its check-in for `month` (`checkin`, or None)."""
    page = Page.of(Organisation.by_name().where(Organisation.active == True), number, size)
    ids = [o.id for o in page.items]
    posted = {}
    if ids:
        for thread in checkins(viewer).where((Thread.checkin_month == month) & Thread.organisation.in_(ids)):
            posted.setdefault(thread.organisation_id, thread)
    for organisation in page.items:
        organisation.checkin = posted.get(organisation.id)
    return page


def organisation_months(viewer, organisation, number, size, month=None):
    """A page of one organisation's check-ins, the latest month first (only `month`'s, when given)."""
    query = checkins(viewer).where(Thread.organisation == organisation.id)
    if month:
        query = query.where(Thread.checkin_month == month)
    return Page.of(query.order_by(Thread.checkin_month.desc(), Thread.id.desc()), number, size)
