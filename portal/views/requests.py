"""Acting on a request, from its thread or from the board: status, owner, follow-up date, addressees, notes.

Each action is a plain form (redirect afterwards) that htmx enhances: from the board it swaps the row, from the
thread it swaps the header and appends the new events to the timeline.
"""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from peewee import fn

from .. import rules, timeline, tracking
from ..forms import ReplyForm, one_line
from ..htmx import wants_fragment
from ..models import CLOSE_REASONS, Event, Organisation, User
from ..paging import id_from
from .auth import safe_next
from .board import board_row, quick_filters, today
from .threads import get_visible_thread, show_thread

bp = Blueprint("requests", __name__)


def respond(thread, last_event_id, message, category="success"):
    """After an action: the changed row or header (htmx), or back where the person came from."""
    if wants_fragment():
        if request.form.get("view") == "row":
            row = board_row(thread.id)
            return render_block(
                "board/index.html",
                "row",
                thread=row,
                gone=None if row else thread,
                message=message,
                category=category,
                today=today(),
                owners=list(User.stewards()),
                tools_open=True,
            ) + quick_filters(request.form.get("next"))
        fresh = get_visible_thread(thread.id)
        events = timeline.events_for(fresh, current_user, after_id=last_event_id)
        return render_block(
            "threads/show.html",
            "action_done",
            thread=fresh,
            items=timeline.merge([], events),
            message=message,
            category=category,
            form=ReplyForm(formdata=None),
            reply_oob=True,
            live_oob=True,
            has_next=False,
            tools_open=True,
        )
    flash(message, category)
    return redirect(safe_next(request.form.get("next")) or url_for("threads.show", thread_id=thread.id), 303)


def latest_event_id():
    return Event.select(fn.MAX(Event.id)).scalar() or 0


def steward_thread(thread_id):
    thread = get_visible_thread(thread_id)
    if not rules.is_steward(current_user):
        abort(403)
    if not thread.is_request:
        abort(404)
    return thread


def act(thread, change, message):
    """Run `change()`; a Conflict becomes a clear message with the fresh state, never a second event."""
    before = latest_event_id()
    try:
        change()
    except tracking.Conflict as conflict:
        return respond(thread, before, str(conflict), "info")
    return respond(thread, before, message)


def refuse(thread, message):
    """Bad input from a small action form: say why, keep the page as it was."""
    if wants_fragment():
        headers = {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
        return render_template("_message.html", message=message, category="error"), 422, headers
    flash(message, "error")
    return redirect(safe_next(request.form.get("next")) or url_for("threads.show", thread_id=thread.id), 303)


def refuse_closing(thread, closing):
    """A close without a reason: the close form again, what was sent kept, the problem said next to its field."""
    if request.form.get("view") == "row":
        context = {"thread": board_row(thread.id), "owners": list(User.stewards()), "closing": closing}
        if wants_fragment():
            return render_block("board/index.html", "row", today=today(), tools_open=True, **context), 422
        back = safe_next(request.form.get("next")) or url_for("board.index")
        return render_template("board/tools.html", back=back, **context), 422
    fresh = get_visible_thread(thread.id)
    if wants_fragment():
        return render_block("threads/show.html", "header", thread=fresh, tools_open=True, closing=closing), 422
    return show_thread(fresh, ReplyForm(formdata=None), 422, tools_open=True, closing=closing)


@bp.post("/threads/<int:thread_id>/status")
def change_status(thread_id):
    thread = get_visible_thread(thread_id)
    action = request.form.get("action")
    if action not in ("resolve", "reopen", "close"):
        abort(400)
    if not thread.is_request or not rules.speaks_for_asker(current_user, thread):
        abort(403)
    if action == "close":
        if not rules.is_steward(current_user):
            abort(403)
        reason, note = request.form.get("reason", ""), one_line(request.form.get("note", ""))
        errors = {}
        if reason not in CLOSE_REASONS:
            errors["reason"] = "Choose why you are closing the request"
        if reason == "other" and not note:
            errors["note"] = "Say why you are closing the request"
        if len(note) > 500:
            errors["note"] = "Keep the reason under 500 characters"
        if errors:
            return refuse_closing(thread, {"reason": reason, "note": note, "errors": errors})
        return act(thread, lambda: tracking.close(thread, current_user, reason, note or None), "The request is closed.")
    change = tracking.resolve if action == "resolve" else tracking.reopen
    message = "The request is resolved." if action == "resolve" else "The request is reopened."
    return act(thread, lambda: change(thread, current_user), message)


@bp.post("/threads/<int:thread_id>/owner")
def set_owner(thread_id):
    thread = steward_thread(thread_id)
    owner = None
    if request.form.get("owner"):
        owner_id = id_from(request.form["owner"])
        owner = User.get_or_none((User.id == owner_id) & (User.role == "steward") & User.active) if owner_id else None
        if owner is None:
            return refuse(thread, "Choose a steward as the owner.")
    message = "%s owns this request now." % owner.name if owner else "The request has no owner now."
    return act(thread, lambda: tracking.set_owner(thread, current_user, owner), message)


@bp.post("/threads/<int:thread_id>/follow-up")
def set_follow_up(thread_id):
    thread = steward_thread(thread_id)
    value = "" if "clear" in request.form else request.form.get("follow_up_on", "").strip()
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return refuse(thread, "Enter the follow-up date as a real date, for example 2027-01-31.")
    if day and not date(2000, 1, 1) <= day <= date(2100, 1, 1):
        return refuse(thread, "Enter a follow-up date between 2000 and 2100.")
    message = "Follow-up date set to %s." % day.strftime("%-d %B %Y") if day else "Follow-up date cleared."
    return act(thread, lambda: tracking.set_follow_up(thread, current_user, day), message)


@bp.post("/threads/<int:thread_id>/addressees")
def add_addressee(thread_id):
    thread = steward_thread(thread_id)
    organisation_id = id_from(request.form.get("organisation"))
    organisation = Organisation.get_or_none(Organisation.id == organisation_id) if organisation_id else None
    if organisation is None or not organisation.active:
        return refuse(thread, "Choose an organisation to address the request to.")
    return act(
        thread,
        lambda: tracking.add_addressee(thread, current_user, organisation),
        "The request is addressed to %s too." % organisation.name,
    )


@bp.post("/threads/<int:thread_id>/addressees/<int:organisation_id>/<any(remove, 'not-needed'):change>")
def change_addressee(thread_id, organisation_id, change):
    thread = steward_thread(thread_id)
    organisation = Organisation.get_or_none(Organisation.id == organisation_id)
    if organisation is None:
        abort(404)
    if change == "remove":
        return act(
            thread,
            lambda: tracking.remove_addressee(thread, current_user, organisation),
            "The request is no longer addressed to %s." % organisation.name,
        )
    return act(
        thread,
        lambda: tracking.mark_not_needed(thread, current_user, organisation),
        "%s need not reply." % organisation.name,
    )


@bp.post("/threads/<int:thread_id>/notes")
def add_note(thread_id):
    thread = get_visible_thread(thread_id)
    if not rules.is_steward(current_user):
        abort(403)
    text = request.form.get("text", "").strip()
    if not text:
        return refuse(thread, "Write the note first.")
    if len(text) > 5000:
        return refuse(thread, "Keep the note under 5000 characters.")
    return act(
        thread, lambda: tracking.add_note(thread, current_user, text), "Your note is added. Only stewards see it."
    )
