"""What the outbox worker does on the clock: follow-up notices for the steward, and e-mail digests.

Digests are timed in Europe/London: a daily digest at the person's hour, a weekly one on Monday at that hour,
whatever the clocks did in between. Stewards who get e-mail as it happens also get a morning digest of the
follow-ups that are due.
"""

from datetime import UTC, datetime, time, timedelta

from . import mail, notify
from .clock import LONDON, in_london, now
from .db import database
from .models import LIVE_STATUSES, Notification, Thread, User

PERIODS = {"daily": 1, "weekly": 7, "immediate": 1}


def today():
    return in_london(now()).date()


def follow_ups_due():
    """Tell each due request's owner (or every steward, when it has none) once per follow-up date."""
    due = Thread.select().where(
        Thread.status.in_(LIVE_STATUSES)
        & Thread.merged_into.is_null()
        & (Thread.follow_up_on <= today())
        & (Thread.follow_up_noticed_on.is_null() | (Thread.follow_up_noticed_on != Thread.follow_up_on))
    )
    stewards = [s.id for s in User.stewards()]
    for thread in due:
        with database.atomic():
            Thread.update(follow_up_noticed_on=thread.follow_up_on).where(Thread.id == thread.id).execute()
            people = [thread.owner_id] if thread.owner_id else stewards
            notify.deliver(thread, None, dict.fromkeys(people, "follow_up_due"), mail_now=False)


def digest_moment(person, moment):
    """When this person's latest digest was due: their hour, London time, today (or this Monday, weekly)."""
    local = in_london(moment)
    step = PERIODS[person.email_frequency]
    day = local.date() - timedelta(days=local.weekday() if step == 7 else 0)
    due = datetime.combine(day, time(person.digest_hour), tzinfo=LONDON)
    if due > local:
        due = datetime.combine(day - timedelta(days=step), time(person.digest_hour), tzinfo=LONDON)
    return due.astimezone(UTC).replace(tzinfo=None)


def overdue_follow_ups():
    return list(
        Thread.select()
        .where(Thread.status.in_(LIVE_STATUSES) & Thread.merged_into.is_null() & (Thread.follow_up_on <= today()))
        .order_by(Thread.follow_up_on, Thread.id)
    )


def digests():
    """Send each digest that has fallen due since the person's last one."""
    moment = now()
    people = User.with_organisation().where(
        (User.active == True)
        & (User.email_frequency != "none")
        & ((User.email_frequency != "immediate") | (User.role == "steward"))
    )
    follow_ups = None
    for person in people:
        due = digest_moment(person, moment)
        since = person.last_digest_at or person.created
        if since >= due:
            continue
        notices = []
        if person.email_frequency != "immediate":
            notices = list(
                Notification.select(Notification, Thread)
                .join(Thread)
                .where((Notification.user == person.id) & (Notification.created > since))
                .order_by(Notification.created)
            )
        if person.is_steward and follow_ups is None:
            follow_ups = overdue_follow_ups()
        steward_list = follow_ups if person.is_steward else []
        with database.atomic():
            User.update(last_digest_at=moment).where(User.id == person.id).execute()
            if notices or steward_list:
                for notice in notices:
                    notice.user = person
                mail.queue_digest(person, notices, steward_list, since)


def run_due():
    follow_ups_due()
    digests()
