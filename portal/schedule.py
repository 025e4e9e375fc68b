"""What the outbox worker does on the clock: follow-up notices for the steward, and e-mail digests.

Digests are timed in Europe/London: a daily digest at the person's hour, a weekly one on Monday at that hour,
whatever the clocks did in between. Stewards who get e-mail as it happens also get a morning digest of the
follow-ups and learning cycle reviews that are due. Several workers may run this at once: each notice and digest
is claimed by a conditional update first, so only one worker sends it.
"""

from datetime import UTC, datetime, time, timedelta

from peewee import JOIN

from . import mail, notify
from .clock import LONDON, in_london, now
from .db import database
from .models import CYCLE_OPEN, LIVE_STATUSES, LearningCycle, Notification, Thread, User

PERIODS = {"daily": 1, "weekly": 7, "immediate": 1}


def today():
    return in_london(now()).date()


def due_follow_ups():
    return Thread.select().where(
        Thread.status.in_(LIVE_STATUSES) & Thread.merged_into.is_null() & (Thread.follow_up_on <= today()) & unnoticed()
    )


def follow_ups_due(due=None):
    """Tell each due request's owner (or every steward, when it has none) once per follow-up date. `due` is what
    was read as due (by default, now); another worker may have told them since, which the claim below sees."""
    stewards = {s.id for s in User.stewards()}
    for thread in due_follow_ups() if due is None else due:
        with database.atomic():
            claimed = (
                Thread.update(follow_up_noticed_on=thread.follow_up_on)
                .where((Thread.id == thread.id) & (Thread.follow_up_on == thread.follow_up_on) & unnoticed())
                .execute()
            )
            if claimed:
                people = [thread.owner_id] if thread.owner_id in stewards else stewards  # an owner who left: all
                notify.deliver(thread, None, dict.fromkeys(people, "follow_up_due"), mail_now=False)


def unnoticed():
    return Thread.follow_up_noticed_on.is_null() | (Thread.follow_up_noticed_on != Thread.follow_up_on)


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


def reviews_due():
    """Learning cycles still open whose review is due today or overdue, soonest first: for the stewards' digest."""
    return list(
        LearningCycle.select(LearningCycle.id, LearningCycle.title, LearningCycle.review_on)
        .where(LearningCycle.status.in_(CYCLE_OPEN) & (LearningCycle.review_on <= today()))
        .order_by(LearningCycle.review_on, LearningCycle.id)
    )


def digest_readers():
    return User.with_organisation().where(
        (User.active == True)
        & (User.email_frequency != "none")
        & ((User.email_frequency != "immediate") | (User.role == "steward"))
    )


def digests(people=None):
    """Send each digest that has fallen due since the person's last one. `people` is who was read as getting
    digests (by default, now); the claim on last_digest_at makes sure only one worker sends each."""
    moment = now()
    follow_ups = reviews = None
    for person in digest_readers() if people is None else people:
        due = digest_moment(person, moment)
        since = person.last_digest_at or person.created
        if since >= due:
            continue
        notices = []
        if person.email_frequency != "immediate":
            notices = list(
                Notification.select(Notification, Thread)
                .join(Thread, JOIN.LEFT_OUTER)  # notices without a thread (a check-in due, details kept) too
                .where(
                    (Notification.user == person.id)
                    & (Notification.created > since)
                    & (Notification.created <= moment)
                    & notify.still_visible(person)
                )
                .order_by(Notification.created)
            )
        if person.is_steward and follow_ups is None:
            follow_ups, reviews = overdue_follow_ups(), reviews_due()
        steward_list = follow_ups if person.is_steward else []
        review_list = reviews if person.is_steward else []
        with database.atomic():
            last = (
                User.last_digest_at.is_null()
                if person.last_digest_at is None
                else (User.last_digest_at == person.last_digest_at)
            )
            if not User.update(last_digest_at=moment).where((User.id == person.id) & last).execute():
                continue  # another worker sent this digest
            if notices or steward_list or review_list:
                for notice in notices:
                    notice.user = person
                mail.queue_digest(person, notices, steward_list, since, review_list, today())


def run_due():
    follow_ups_due()
    digests()
