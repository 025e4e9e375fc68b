"""The steward's list of details kept past the personal-data guard: review them, or redact several at once."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import overrides, rules
from ..db import checkpoint
from ..forms import RedactDetailsForm
from ..models import GuardOverride
from ..paging import Page, page_number

bp = Blueprint("overrides", __name__)

SHOWN = {"unreviewed": "Not yet reviewed", "all": "All"}


@bp.before_request
def require_steward():
    if not rules.can_review_kept_details(current_user):
        abort(403)


def get_override(override_id):
    """The override with everything its card shows, or 404."""
    found = list(overrides.listing(unreviewed_only=False).where(GuardOverride.id == override_id))
    if not found:
        abort(404)
    return overrides.attach_spans(found)[0]


@bp.get("/guard/overrides")
def index():
    shown = request.args.get("show") if request.args.get("show") in SHOWN else "unreviewed"
    query = overrides.listing(unreviewed_only=shown == "unreviewed")
    page = Page.of(query, page_number(request.args), current_app.config["PAGE_SIZE"])
    overrides.attach_spans(page.items)
    forms = {o.id: RedactDetailsForm(formdata=None, spans=o.spans) for o in page.items}
    return render_template("overrides/index.html", page=page, forms=forms, shown=shown, SHOWN=SHOWN)


@bp.get("/guard/overrides/<int:override_id>")
def show(override_id):
    override = get_override(override_id)
    form = RedactDetailsForm(formdata=None, spans=override.spans)
    return render_template("overrides/show.html", override=override, form=form)


@bp.post("/guard/overrides/<int:override_id>/redact")
def redact(override_id):
    """The chosen details and reason go first to a page saying what will go for good; only its "Yes, redact"
    redacts. A POST brings that page: the details must not sit in an address (history, proxy logs)."""
    override = get_override(override_id)
    form = RedactDetailsForm(spans=override.spans)
    if not form.validate_on_submit():
        return render_template("overrides/show.html", override=override, form=form), 422
    if not form.is_confirmed():
        return render_template("overrides/redact.html", override=override, form=form)
    try:
        overrides.redact(override, current_user, form.reason.data, form.spans.data)
    except overrides.Conflict as conflict:
        form.spans.errors.append(str(conflict))
        return render_template("overrides/show.html", override=override, form=form), 422
    checkpoint()  # so the removed details are gone from the database file as well
    flash("The chosen details are redacted everywhere the portal kept them, and marked as reviewed.", "success")
    return redirect(url_for(".index"), 303)


@bp.post("/guard/overrides/<int:override_id>/reviewed")
def reviewed(override_id):
    override = get_override(override_id)
    try:
        overrides.mark_reviewed(override, current_user)
    except overrides.Conflict as conflict:
        flash(str(conflict), "info")
    else:
        flash("Marked as reviewed: the details stay where they are.", "success")
    return redirect(url_for(".index"), 303)
