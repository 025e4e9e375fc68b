"""The monthly learning report: what happened in one London month, for an audience chosen before it is read.

For the partnership (the default), restricted threads are left out and only counted, so that the printed report
can go to every partner; for stewards only, they are in it. Nothing in it is about the person reading it (no
unread marks), so two people printing it for the same audience get the same pages."""

from typing import NamedTuple

from .. import dashboard, rules
from ..models import REQUEST_KINDS, Barrier, BarrierHolder, BarrierLog, Thread, User
from .rows import attach_addressees

AUDIENCES = {"partnership": "the partnership", "stewards": "stewards only"}


class Report(NamedTuple):
    month: str
    audience: str
    checkins: list
    resolved: list
    still_open: list
    moved: list
    left_out: int  # restricted threads the audience does not get


def monthly_report(viewer, month, organisation, audience):
    """The report for `month` ("2026-11") of what `viewer` may see, for one organisation or all, for `audience`."""
    begin, finish = dashboard.month_bounds(month)
    shown = Thread.listing().where(rules.visible_filter(viewer))
    if organisation:
        shown = shown.where(Thread.organisation == organisation.id)
    requests = Thread.kind.in_(REQUEST_KINDS)
    checkins = shown.where(Thread.checkin_month == month).order_by(Thread.created)
    resolved = shown.where(
        requests & (Thread.status == "resolved") & (Thread.resolved_at >= begin) & (Thread.resolved_at < finish)
    ).order_by(Thread.resolved_at)
    still_open = shown.where(requests & Thread.status.in_(("open", "answered")) & (Thread.created < finish))
    lists = [list(checkins), list(resolved), list(still_open.order_by(Thread.created))]
    left_out = set()
    if audience != "stewards":
        left_out = {t.id for threads in lists for t in threads if t.visibility != "all"}
        lists = [[t for t in threads if t.visibility == "all"] for threads in lists]
    attach_addressees(lists[1] + lists[2])
    return Report(month, audience, *lists, barriers_moved(begin, finish, organisation), len(left_out))


def barriers_moved(begin, finish, organisation):
    """The barriers' log entries in the period (of the barriers `organisation` holds, when given)."""
    moved = (
        BarrierLog.select(BarrierLog, Barrier, User)
        .join(Barrier)
        .switch(BarrierLog)
        .join(User)
        .where((BarrierLog.created >= begin) & (BarrierLog.created < finish))
        .order_by(BarrierLog.created)
    )
    if organisation:
        held = BarrierHolder.select(BarrierHolder.barrier).where(BarrierHolder.organisation == organisation.id)
        moved = moved.where(Barrier.id.in_(held))
    return list(moved)
