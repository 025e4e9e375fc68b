"""People (steward only): the list, adding and editing, deactivating, and one-time set-password links."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import accounts, rules
from ..forms import PersonForm
from ..models import Organisation, User

bp = Blueprint("people", __name__)


@bp.before_request
def require_steward():
    if not rules.can_manage_people(current_user):
        abort(403)


def get_person(person_id):
    person = User.with_organisation().where(User.id == person_id).first()
    if person is None:
        abort(404)
    return person


@bp.get("/people")
def index():
    people = User.with_organisation().order_by(Organisation.name, User.name)
    return render_template("people/index.html", people=people)


@bp.route("/people/new", methods=["GET", "POST"])
def new():
    return edit_form(PersonForm(), None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def edit(person_id):
    person = get_person(person_id)
    return edit_form(PersonForm(obj=person, organisation=person.organisation_id, person=person), person)


def edit_form(form, person):
    if form.validate_on_submit():
        data = {field: form[field].data for field in ("name", "email", "organisation", "role", "active")}
        if person and person.id == current_user.id and not (data["active"] and data["role"] == "steward"):
            form.role.errors.append("You cannot take away your own steward role or sign-in here")
        else:
            saved = accounts.save_person(data, current_user, person)
            flash("%s is saved." % saved.name, "success")
            if person is None:
                return issue_link(saved)
            return redirect(url_for(".index"), 303)
    return render_template("people/edit.html", form=form, person=person), 422 if form.is_submitted() else 200


@bp.post("/people/<int:person_id>/password-link")
def password_link(person_id):
    person = get_person(person_id)
    if not person.active:
        flash("%s cannot sign in. Tick 'Can sign in' first." % person.name, "info")
        return redirect(url_for(".edit", person_id=person.id), 303)
    return issue_link(person)


def issue_link(person):
    hours = current_app.config["SET_PASSWORD_LINK_HOURS"]
    link = accounts.send_password_link(person, current_user, hours)
    return render_template("people/link.html", person=person, link=link, hours=hours)
