"""The learning dashboard, the CSV exports and the printable monthly learning report."""

import csv
import io

from flask import Blueprint, Response, abort, flash, render_template, request
from flask_login import current_user
from peewee import JOIN, fn

from .. import charts, dashboard, rules, tracking
from ..lists import cycles as cycle_lists
from ..lists import services as service_lists
from ..lists.board import organisations_and_owners
from ..lists.learning import figures
from ..lists.pages import visible_threads
from ..lists.report import AUDIENCES, monthly_report
from ..lists.rows import attach_addressees
from ..models import (
    BARRIER_STATUSES,
    CYCLE_STATUSES,
    Barrier,
    BarrierHolder,
    BarrierLog,
    BarrierThread,
    Event,
    Organisation,
    Thread,
    User,
    with_theme,
)
from ..web import month_asked, require

bp = Blueprint("learning", __name__)


def chosen_organisation(organisations):
    """The organisation picked in the filters (?org=slug), from those the page lists."""
    slug = request.args.get("org", "")
    return next((o for o in organisations if o.slug == slug), None) if slug else None


def period():
    start, end, message = dashboard.read_period(request.args.get("from"), request.args.get("to"))
    if message:
        flash(message, "info")
    return start, end


def days(value):
    return None if value is None else round(value / 24, 1)


@bp.get("/learning")
def index():
    start, end = period()
    months = dashboard.months(start, end)
    organisations = organisations_and_owners()[0]
    organisation = chosen_organisation(organisations)
    numbers, themes, barriers = figures(current_user, months, organisation)
    labels = [dashboard.month_label(m) for m in months]
    pictures = {
        "volume": charts.bar_chart(
            "Requests raised and resolved per month",
            labels,
            [("Raised", [n["raised"] for n in numbers]), ("Resolved", [n["resolved"] for n in numbers])],
        ),
        "response": charts.bar_chart(
            "Days to first response",
            labels,
            [
                ("Median", [days(n["response_median"]) for n in numbers]),
                ("90th percentile", [days(n["response_p90"]) for n in numbers]),
            ],
            unit=("day", "days"),
        ),
        "resolution": charts.bar_chart(
            "Days to resolution",
            labels,
            [
                ("Median", [days(n["resolution_median"]) for n in numbers]),
                ("90th percentile", [days(n["resolution_p90"]) for n in numbers]),
            ],
            unit=("day", "days"),
        ),
        "themes": charts.bar_chart(
            "Requests by theme", [name for name, _ in themes], [("Requests", [count for _, count in themes])]
        ),
        "barriers": charts.bar_chart(
            "Barriers by status at the end of each month",
            labels,
            [(label, [b[status] for b in barriers]) for status, label in BARRIER_STATUSES.items()],
        ),
        "checkins": charts.bar_chart("Check-ins received", labels, [("Check-ins", [n["received"] for n in numbers])]),
    }
    return render_template(
        "learning/index.html",
        start=start,
        end=end,
        organisation=organisation,
        numbers=numbers,
        barriers=barriers,
        themes=themes,
        pictures=pictures,
        days=days,
        labels=labels,
        organisations=organisations,
        BARRIER_STATUSES=BARRIER_STATUSES,
    )


def safe(value):
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(name, header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe(cell) for cell in row])
    return Response(
        out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="%s"' % name}
    )


@bp.get("/learning/requests.csv")
def requests_csv():
    """Every request the viewer may see that was raised or resolved in the period, with its history."""
    start, end = period()
    organisation = chosen_organisation(organisations_and_owners()[0])
    ids = dashboard.requests_for(current_user, start, end, organisation).select(Thread.id)
    query = visible_threads(current_user).where(Thread.id.in_(ids)).order_by(Thread.created)
    if request.args.get("theme"):
        query = query.where(with_theme(request.args["theme"]))
    threads = attach_addressees(list(query))
    history = {}
    for event in (
        Event.select(Event.thread, Event.created, Event.data)
        .where(Event.thread.in_([t.id for t in threads] or [0]) & (Event.action == "status_changed"))
        .order_by(Event.created)
    ):
        history.setdefault(event.thread_id, []).append(
            "%s %s to %s"
            % (event.created.strftime("%Y-%m-%d %H:%M"), event.data.get("before"), event.data.get("after"))
        )
    owners = {u.id: u for u in User.select().where(User.id.in_([t.owner_id for t in threads if t.owner_id] or [0]))}
    rows = []
    for thread in threads:
        thread.owner = owners.get(thread.owner_id)
        response = thread.first_response_at and dashboard.hours(thread.created, thread.first_response_at)
        resolution = thread.resolved_at and dashboard.hours(thread.created, thread.resolved_at)
        waits = "; ".join("%s: %s" % (w.who, tracking.waited_days(w.since)) for w in tracking.waiting_on(thread))
        waits = "nobody: locked by the steward" if thread.is_live and thread.locked else waits
        rows.append(
            [
                thread.id,
                thread.kind,
                thread.title,
                thread.organisation.name,
                ", ".join(a.organisation.name for a in thread.addressees),
                thread.status,
                thread.created.isoformat(timespec="minutes"),
                thread.first_response_at and thread.first_response_at.isoformat(timespec="minutes"),
                thread.resolved_at and thread.resolved_at.isoformat(timespec="minutes"),
                response and round(response, 1),
                resolution and round(resolution, 1),
                waits,
                " | ".join(history.get(thread.id, [])),
            ]
        )
    header = [
        "id",
        "kind",
        "title",
        "asked by",
        "addressed to",
        "status",
        "raised (UTC)",
        "first response (UTC)",
        "resolved or closed (UTC)",
        "hours to first response",
        "hours to resolution",
        "waiting on (days)",
        "status history",
    ]
    return csv_response("requests-%s-to-%s.csv" % (start, end), header, rows)


@bp.get("/learning/barriers.csv")
def barriers_csv():
    status = request.args.get("status") if request.args.get("status") in BARRIER_STATUSES else None
    visible = visible_threads(current_user).select(Thread.id)
    shown = fn.COUNT(BarrierThread.id.distinct())
    query = (
        Barrier.select(Barrier, shown.alias("shown"))
        .join(
            BarrierThread, JOIN.LEFT_OUTER, on=(BarrierThread.barrier == Barrier.id) & BarrierThread.thread.in_(visible)
        )
        .group_by(Barrier)
        .order_by(Barrier.created)
    )
    if status:
        query = query.where(Barrier.status == status)
    barriers = list(query)
    ids = [b.id for b in barriers] or [0]
    holders = {}
    for row in (
        BarrierHolder.select(BarrierHolder, Organisation).join(Organisation).where(BarrierHolder.barrier.in_(ids))
    ):
        holders.setdefault(row.barrier_id, []).append(row.organisation.name)
    logs = dict(
        BarrierLog.select(BarrierLog.barrier, fn.COUNT(BarrierLog.id))
        .where(BarrierLog.barrier.in_(ids))
        .group_by(BarrierLog.barrier)
        .tuples()
    )
    rows = [
        [
            b.id,
            b.title,
            BARRIER_STATUSES[b.status],
            ", ".join(sorted(holders.get(b.id, []))),
            b.shown,
            logs.get(b.id, 0),
            b.created.isoformat(timespec="minutes"),
            b.updated.isoformat(timespec="minutes"),
        ]
        for b in barriers
    ]
    header = [
        "id",
        "barrier",
        "status",
        "held by",
        "threads that show it",
        "log entries",
        "recorded (UTC)",
        "last changed (UTC)",
    ]
    return csv_response("barriers.csv", header, rows)


@bp.get("/learning/report")
def report():
    """The month's learning, to print: check-ins, barriers that moved, requests resolved and still open."""
    month = month_asked()
    audience = request.args.get("audience", "partnership")
    if audience not in AUDIENCES:
        abort(404)
    require(audience == "partnership" or rules.can_report_to_stewards_only(current_user))
    organisations = organisations_and_owners()[0]
    organisation = chosen_organisation(organisations)
    return render_template(
        "learning/report.html",
        report=monthly_report(current_user, month, organisation, audience),
        organisation=organisation,
        cycles=cycle_lists.for_report(current_user, *dashboard.month_bounds(month), organisation),
        rule_changes=service_lists.changes_between(*dashboard.month_bounds(month), organisation),
        CYCLE_STATUSES=CYCLE_STATUSES,
        organisations=organisations,
        AUDIENCES=AUDIENCES,
        made=dashboard.now(),
        BARRIER_STATUSES=BARRIER_STATUSES,
    )
