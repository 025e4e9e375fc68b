"""The steward's lists of what happened: the audit log, the outbox's failed e-mails and a person's notifications."""

from datetime import timedelta

from peewee import JOIN

from .. import notify
from ..clock import london_midnight, read_day
from ..models import Event, Notification, Organisation, Outbox, Thread, User
from ..paging import Page


def audit_choices():
    """The people, organisations and actions the audit log's filters offer."""
    people = list(User.select(User.id, User.name).order_by(User.name))
    organisations = list(Organisation.by_name())
    actions = [a for (a,) in Event.select(Event.action).distinct().order_by(Event.action).tuples()]
    return people, organisations, actions


def audit_filters(args, people, organisations, actions):
    def pick(name, allowed):
        return args.get(name, "") if args.get(name, "") in allowed else ""

    return {
        "person": pick("person", {str(p.id) for p in people}),
        "org": pick("org", {o.slug for o in organisations}),
        "action": pick("action", actions),
        "since": read_day(args.get("since", "")),
        "until": read_day(args.get("until", "")),
    }


def audit_page(filters, number, size):
    """A page of the audit log, newest first, with the filters of audit_filters."""
    query = (
        Event.select(Event, User, Organisation, Thread.id, Thread.title)
        .join(User, JOIN.LEFT_OUTER)
        .join(Organisation, JOIN.LEFT_OUTER)
        .switch(Event)
        .join(Thread, JOIN.LEFT_OUTER)
        .order_by(Event.created.desc(), Event.id.desc())
    )
    if filters["person"]:
        query = query.where(Event.actor == int(filters["person"]))
    if filters["org"]:
        query = query.where(Organisation.slug == filters["org"])
    if filters["action"]:
        query = query.where(Event.action == filters["action"])
    if filters["since"]:
        query = query.where(Event.created >= london_midnight(filters["since"]))
    if filters["until"]:
        query = query.where(Event.created < london_midnight(filters["until"] + timedelta(days=1)))
    return Page.of(query, number, size)


def outbox_pages(number, size):
    """The e-mails that failed (a page), how many are waiting, and some of those being retried."""
    failed = Outbox.select().where(Outbox.failed_at.is_null(False)).order_by(Outbox.failed_at.desc())
    waiting = Outbox.select().where(Outbox.sent_at.is_null() & Outbox.failed_at.is_null()).count()
    retrying = Outbox.select().where(Outbox.sent_at.is_null() & Outbox.failed_at.is_null() & (Outbox.attempts > 0))
    return Page.of(failed, number, size), waiting, list(retrying.limit(20))


def notifications_page(user, number, size):
    """A page of `user`'s notifications, newest first, leaving out what they may no longer see."""
    query = (
        Notification.select(Notification, Thread, User, Organisation)
        .join(Thread, JOIN.LEFT_OUTER, on=(Notification.thread == Thread.id))
        .switch(Notification)
        .join(User, JOIN.LEFT_OUTER, on=(Notification.actor == User.id))
        .join(Organisation, JOIN.LEFT_OUTER, on=(User.organisation == Organisation.id))
        .where((Notification.user == user.id) & notify.still_visible(user))
        .order_by(Notification.created.desc(), Notification.id.desc())
    )
    page = Page.of(query, number, size)
    for notice in page.items:
        notice.user = user
    return page
