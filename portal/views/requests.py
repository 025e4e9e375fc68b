"""Acting on a request, from its thread or from the board: status, owner, follow-up date, addressees, notes.

Each action is a plain form (redirect afterwards) that htmx enhances: from the board it swaps the row, from the
thread it swaps the header and appends the new events to the timeline.
"""

from flask import Blueprint, abort, request
from flask_login import current_user

from .. import rules, tracking
from ..forms import AddresseeForm, CloseForm, FollowUpForm, NoteForm, OwnerForm
from ..models import Organisation
from ..responses import act, refuse, refuse_closing
from ..web import get_visible_thread, require

bp = Blueprint("requests", __name__)


def tracked_request(thread_id):
    """The request, for an action that only the steward takes: 404 for what is not a request."""
    thread = get_visible_thread(thread_id)
    if not thread.is_request:
        require(rules.can_use_board_tools(current_user))
        abort(404)
    require(rules.can_track_request(current_user, thread))
    return thread


@bp.post("/threads/<int:thread_id>/status")
def change_status(thread_id):
    thread = get_visible_thread(thread_id)
    action = request.form.get("action")
    if action not in ("resolve", "reopen", "close"):
        abort(400)
    if not thread.is_request or not rules.speaks_for_asker(current_user, thread):
        abort(403)
    if action == "close":
        require(rules.can_close(current_user, thread))
        form = CloseForm()
        if not form.validate():
            return refuse_closing(thread, form.sent())
        reason, note = form.reason.data, form.note.data or None
        return act(thread, lambda: tracking.close(thread, current_user, reason, note), "The request is closed.")
    change = tracking.resolve if action == "resolve" else tracking.reopen
    message = "The request is resolved." if action == "resolve" else "The request is reopened."
    return act(thread, lambda: change(thread, current_user), message)


@bp.post("/threads/<int:thread_id>/owner")
def set_owner(thread_id):
    thread = tracked_request(thread_id)
    form = OwnerForm()
    if not form.validate():
        return refuse(thread, form.first_error())
    owner = form.chosen
    message = "%s owns this request now." % owner.name if owner else "The request has no owner now."
    return act(thread, lambda: tracking.set_owner(thread, current_user, owner), message)


@bp.post("/threads/<int:thread_id>/follow-up")
def set_follow_up(thread_id):
    thread = tracked_request(thread_id)
    form = FollowUpForm()
    if not form.validate():
        return refuse(thread, form.first_error())
    day = form.day
    message = "Follow-up date set to %s." % day.strftime("%-d %B %Y") if day else "Follow-up date cleared."
    return act(thread, lambda: tracking.set_follow_up(thread, current_user, day), message)


@bp.post("/threads/<int:thread_id>/addressees")
def add_addressee(thread_id):
    thread = tracked_request(thread_id)
    form = AddresseeForm()
    if not form.validate():
        return refuse(thread, form.first_error())
    organisation = form.chosen
    return act(
        thread,
        lambda: tracking.add_addressee(thread, current_user, organisation),
        "The request is addressed to %s too." % organisation.name,
    )


@bp.post("/threads/<int:thread_id>/addressees/<int:organisation_id>/<any(remove, 'not-needed'):change>")
def change_addressee(thread_id, organisation_id, change):
    thread = tracked_request(thread_id)
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
    require(rules.can_add_note(current_user, thread))
    form = NoteForm()
    if not form.validate():
        return refuse(thread, form.first_error())
    text = form.text.data
    return act(
        thread, lambda: tracking.add_note(thread, current_user, text), "Your note is added. Only stewards see it."
    )
