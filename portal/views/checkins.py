"""Monthly check-ins: each organisation's situation update, and the steward's view of who has sent theirs."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import learning, notify, rules
from ..forms import CheckInForm
from ..models import Organisation, Thread
from ..web import require

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
    return render_template("checkins/new.html", form=form), 422 if form.is_submitted() else 200


@bp.get("/checkins")
def index():
    require(rules.can_read_all_checkins(current_user))
    month = learning.this_month()
    organisations = list(Organisation.by_name().where(Organisation.active == True))
    posted = {
        t.organisation_id: t
        for t in Thread.select(Thread.id, Thread.organisation, Thread.created).where(
            (Thread.checkin_month == month) & Thread.merged_into.is_null()
        )
    }
    return render_template("checkins/index.html", organisations=organisations, posted=posted, month=month)


@bp.post("/checkins/nudge/<slug>")
def nudge(slug):
    require(rules.can_read_all_checkins(current_user))
    organisation = Organisation.get_or_none(Organisation.slug == slug)
    if organisation is None:
        abort(404)
    told = learning.nudge(organisation, current_user)
    flash("We reminded %d %s at %s." % (told, "person" if told == 1 else "people", organisation.name), "success")
    return redirect(url_for(".index"), 303)
