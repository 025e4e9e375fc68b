"""People (steward only): the list, adding and editing, deactivating, and one-time set-password links."""

import io
import json
import zipfile

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from .. import accounts, attachments, rules
from ..forms import ConfirmationForm, PersonForm
from ..models import Organisation, Post, User

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


@bp.get("/people/<int:person_id>/export")
def export(person_id):
    """Subject access: everything held about the person, as JSON and as a readable page, in one ZIP."""
    person = get_person(person_id)
    data = accounts.subject_access(person)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, value in data.items():
            zipped.writestr("%s.json" % name, json.dumps(value, indent=2, ensure_ascii=False))
        zipped.writestr("index.html", render_template("people/export.html", person=person, data=data))
        for attachment in attachments.kept_by(person):
            with zipped.open("files/%d-%s" % (attachment.id, attachment.name), "w") as copy:
                for chunk in attachments.content(attachment):
                    copy.write(chunk)
    archive.seek(0)
    accounts.record("person_exported", current_user, person=person.id)
    return send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name="partner-portal-person-%d.zip" % person.id,
    )


@bp.route("/people/<int:person_id>/anonymise", methods=["GET", "POST"])
def anonymise(person_id):
    """A page saying what anonymising removes for good; only its "Yes, anonymise" does it."""
    person = get_person(person_id)
    if person.id == current_user.id:
        flash("You cannot anonymise yourself.", "error")
        return redirect(url_for(".edit", person_id=person.id), 303)
    form = ConfirmationForm()
    if form.validate_on_submit() and form.is_confirmed():
        accounts.anonymise(person, current_user)
        flash(
            "Their name and e-mail address are removed; their posts show a former member of their organisation.",
            "success",
        )
        return redirect(url_for(".index"), 303)
    posts = Post.select().where(Post.author == person.id).count()
    return render_template("people/anonymise.html", person=person, posts=posts)
