"""What the system is learning: themes on threads, the barriers register, and monthly check-ins. No Flask here."""

import re

from .clock import in_london, now
from .db import database
from .models import (
    Barrier,
    BarrierHolder,
    BarrierLog,
    BarrierThread,
    Organisation,
    Theme,
    Thread,
    ThreadTheme,
)
from .notify import deliver, members
from .text import render_markdown, slugify
from .tracking import Conflict, record, start_thread

CHECKIN_PROMPTS = (
    ("happening", "What is happening"),
    ("working", "What is working"),
    ("in_the_way", "What is getting in the way"),
    ("need", "What you need"),
)


def save_theme(actor, name, theme=None, active=True):
    with database.atomic():
        if theme is None:
            theme = Theme.create(name=name, slug=slugify(name), active=active, created=now())
            record("theme_added", actor, theme=theme.id, name=name)
        else:
            Theme.update(name=name, slug=slugify(name), active=active).where(Theme.id == theme.id).execute()
            record("theme_edited", actor, theme=theme.id, before=theme.name, after=name, active=active)
    return theme


def set_thread_themes(thread, actor, theme_ids):
    """Tag the thread with exactly these themes."""
    wanted = set(theme_ids)
    with database.atomic():
        current = {row.theme_id for row in ThreadTheme.select().where(ThreadTheme.thread == thread.id)}
        if current == wanted:
            return False
        ThreadTheme.delete().where(
            (ThreadTheme.thread == thread.id) & ThreadTheme.theme.not_in(list(wanted) or [0])
        ).execute()
        for theme_id in sorted(wanted - current):
            ThreadTheme.create(thread=thread.id, theme=theme_id)
        names = [t.name for t in Theme.select().where(Theme.id.in_(list(wanted) or [0])).order_by(Theme.name)]
        record("themes_set", actor, thread, names=names)
    return True


def save_barrier(actor, title, description, holder_ids, barrier=None):
    moment = now()
    with database.atomic():
        fields = {
            "title": title,
            "description": description,
            "description_html": render_markdown(description),
            "updated": moment,
        }
        if barrier is None:
            barrier = Barrier.create(created=moment, status="raised", **fields)
            record("barrier_raised", actor, barrier=barrier.id, title=title)
        else:
            Barrier.update(**fields).where(Barrier.id == barrier.id).execute()
            record("barrier_edited", actor, barrier=barrier.id, before=barrier.title, after=title)
        BarrierHolder.delete().where(BarrierHolder.barrier == barrier.id).execute()
        for organisation_id in sorted(set(holder_ids)):
            BarrierHolder.create(barrier=barrier.id, organisation=organisation_id)
    return barrier


def log_barrier(barrier, actor, note, status=None):
    """A dated note of what was tried and learned, and a change of status when `status` differs."""
    moment = now()
    with database.atomic():
        before = Barrier.select(Barrier.status).where(Barrier.id == barrier.id).scalar()
        after = status if status and status != before else None
        BarrierLog.create(
            barrier=barrier.id,
            author=actor,
            note=note,
            note_html=render_markdown(note),
            status_before=before if after else None,
            status_after=after,
            created=moment,
        )
        Barrier.update(status=after or before, updated=moment).where(Barrier.id == barrier.id).execute()
        record("barrier_logged", actor, barrier=barrier.id, before=before, after=after or before)


def link_barrier(barrier, thread, actor):
    with database.atomic():
        if (
            BarrierThread.select()
            .where((BarrierThread.barrier == barrier.id) & (BarrierThread.thread == thread.id))
            .exists()
        ):
            raise Conflict("That thread is already linked to this barrier.")
        BarrierThread.create(barrier=barrier.id, thread=thread.id, created=now())
        Barrier.update(updated=now()).where(Barrier.id == barrier.id).execute()
        record("barrier_linked", actor, thread, barrier=barrier.id, title=barrier.title)


def unlink_barrier(barrier, thread, actor):
    with database.atomic():
        if (
            not BarrierThread.delete()
            .where((BarrierThread.barrier == barrier.id) & (BarrierThread.thread == thread.id))
            .execute()
        ):
            raise Conflict("That thread is not linked to this barrier.")
        record("barrier_unlinked", actor, thread, barrier=barrier.id, title=barrier.title)


def this_month(moment=None):
    return in_london(moment or now()).strftime("%Y-%m")


def past_month(text):
    """The month `text` names ("2026-12") when it is one from January 2000 to this month, else None."""
    if not text or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return None
    return text if "2000-01" <= text <= this_month() else None


def checked_in(organisation_ids, month):
    """Which of these organisations have posted their check-in for `month`."""
    rows = Thread.select(Thread.organisation).where(
        Thread.organisation.in_(list(organisation_ids)) & (Thread.checkin_month == month) & Thread.merged_into.is_null()
    )
    return {organisation for (organisation,) in rows.tuples()}


def checkin_due(organisation):
    """Whether the organisation's check-in for this month is asked for and not yet posted."""
    today = in_london(now())
    return today.day >= organisation.checkin_day and organisation.id not in checked_in([organisation.id], this_month())


def post_checkin(author, answers):
    """The month's check-in: an update thread with the four headed sections."""
    month = in_london(now())
    body = "\n\n".join("# %s\n\n%s" % (label, answers[key].strip()) for key, label in CHECKIN_PROMPTS)
    title = "%s check-in: %s" % (month.strftime("%B %Y"), Organisation.get_by_id(author.organisation_id).name)
    with database.atomic():
        thread = start_thread(author, "update", title, body)
        Thread.update(checkin_month=month.strftime("%Y-%m")).where(Thread.id == thread.id).execute()
    return thread


def nudge(organisation, actor):
    """Remind an organisation's members that their check-in is due (a notification)."""
    with database.atomic():
        people = members([organisation.id])
        deliver(None, actor, dict.fromkeys(people, "checkin_due"), organisation=organisation.name)
        record("checkin_nudged", actor, organisation=organisation.id, name=organisation.name)
    return len(people)
