"""The signed-in person's own account: who they are, how often they get e-mail, and their password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import accounts
from ..forms import ChangePasswordForm, EmailPreferencesForm
from ..models import User
from ..web import start_session

bp = Blueprint("account", __name__)


def page(password_form, email_form, status=200):
    return render_template("account/index.html", form=password_form, email_form=email_form), status


def email_form_for_now():
    return EmailPreferencesForm(formdata=None, obj=current_user, prefix="email")


@bp.route("/account", methods=["GET", "POST"])
def index():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if accounts.change_password(current_user, form.current_password.data, form.new_password.data):
            start_session(User.get_by_id(current_user.id))  # other sessions ended with the old password
            flash("Your password is changed. Any other place you were signed in is signed out.", "success")
            return redirect(url_for(".index"), 303)
        form.current_password.errors.append("Your current password is not right")
    return page(form, email_form_for_now(), 422 if form.is_submitted() else 200)


@bp.post("/account/email")
def email():
    form = EmailPreferencesForm(prefix="email")
    if form.validate_on_submit():
        accounts.save_email_preferences(current_user, form.email_frequency.data, form.digest_hour.data)
        flash("Your e-mail settings are saved.", "success")
        return redirect(url_for(".index") + "#email", 303)
    return page(ChangePasswordForm(formdata=None), form, 422)
