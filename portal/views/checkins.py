"""Monthly check-ins: posting this month's, one month across the organisations side by side (the steward's, with
reminders for those not yet in), and each organisation's past check-ins month by month."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import dashboard, learning, notify, rules
from ..forms import CheckInForm
from ..lists import checkins, services
from ..models import Organisation, Thread
from ..paging import page_number
from ..web import month_asked, require

bp = Blueprint("checkins", __name__)


@bp.route("/checkins/new", methods=["GET", "POST"])
def new():
    month = learning.this_month()
    done = Thread.listing().where(
        (Thread.organisation == current_user.organisation_id) & (Thread.checkin_month == month)
    )
    done = done.first()
    if done:
        flash("%s has already checked in this month." % current_user.organisation.name, "info")
        return redirect(url_for("threads.show", thread_id=done.id), 303)
    form = CheckInForm()
    if form.validate_on_submit():
        thread = learning.post_checkin(current_user, {key: form[key].data for key, _ in learning.CHECKIN_PROMPTS})
        notify.read_thread(current_user, thread)
        flash("Thank you: your organisation’s check-in is posted.", "success")
        return redirect(url_for("threads.show", thread_id=thread.id), 303)
    stale = services.stale(current_user.organisation_id)
    return render_template("checkins/new.html", form=form, stale=stale), 422 if form.is_submitted() else 200


def months_around(month):
    """The month before `month`, and the one after unless that is still to come."""
    after = dashboard.shift(month, 1)
    return dashboard.shift(month, -1), after if after <= learning.this_month() else None


@bp.get("/checkins")
def index():
    """One month's check-ins across the organisations, side by side; a member is shown their own organisation's."""
    if not rules.can_read_checkins_side_by_side(current_user):
        month = request.args.get("month")
        return redirect(url_for(".organisation", slug=current_user.organisation.slug, month=month), 303)
    month = month_asked()
    page = checkins.month_across(current_user, month, page_number(request.args), current_app.config["PAGE_SIZE"])
    before, after = months_around(month)
    return render_template(
        "checkins/index.html",
        page=page,
        month=month,
        before=before,
        after=after,
        this_month=month == learning.this_month(),
        latest=learning.this_month(),
    )


@bp.get("/orgs/<slug>/checkins")
def organisation(slug):
    """An organisation's check-ins, the latest month first, or one month's (?month=2026-11)."""
    organisation = Organisation.get_or_none(Organisation.slug == slug)
    if organisation is None:
        abort(404)
    require(rules.can_read_past_checkins(current_user, organisation))
    month = month_asked() if request.args.get("month") else None
    page = checkins.organisation_months(
        current_user, organisation, page_number(request.args), current_app.config["PAGE_SIZE"], month
    )
    return render_template(
        "checkins/organisation.html",
        organisation=organisation,
        page=page,
        month=month,
        before_after=months_around(month) if month else (None, None),
        latest=learning.this_month(),
    )


@bp.post("/checkins/nudge/<slug>")
def nudge(slug):
    require(rules.can_remind_about_checkins(current_user))
    organisation = Organisation.get_or_none(Organisation.slug == slug)
    if organisation is None:
        abort(404)
    told = learning.nudge(organisation, current_user)
    flash("We reminded %d %s at %s." % (told, "person" if told == 1 else "people", organisation.name), "success")
    return redirect(url_for(".index"), 303)
