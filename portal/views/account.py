"""The signed-in person's own account: who they are, what partners see of them, how often they get e-mail, and
their password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import accounts
from ..forms import ChangePasswordForm, ContactDetailsForm, EmailPreferencesForm
from ..models import User
from ..web import start_session

bp = Blueprint("account", __name__)


def page(password_form=None, email_form=None, contact_form=None, status=200):
    return render_template(
        "account/index.html",
        form=password_form or ChangePasswordForm(formdata=None),
        email_form=email_form or EmailPreferencesForm(formdata=None, obj=current_user, prefix="email"),
        contact_form=contact_form or ContactDetailsForm(formdata=None, obj=current_user, prefix="contact"),
    ), status


@bp.route("/account", methods=["GET", "POST"])
def index():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if accounts.change_password(current_user, form.current_password.data, form.new_password.data):
            start_session(User.get_by_id(current_user.id))  # other sessions ended with the old password
            flash("Your password is changed. Any other place you were signed in is signed out.", "success")
            return redirect(url_for(".index"), 303)
        form.current_password.errors.append("Your current password is not right")
    return page(form, status=422 if form.is_submitted() else 200)


@bp.post("/account/email")
def email():
    form = EmailPreferencesForm(prefix="email")
    if form.validate_on_submit():
        accounts.save_email_preferences(current_user, form.email_frequency.data, form.digest_hour.data)
        flash("Your e-mail settings are saved.", "success")
        return redirect(url_for(".index") + "#email", 303)
    return page(email_form=form, status=422)


@bp.post("/account/contact")
def contact():
    form = ContactDetailsForm(prefix="contact")
    if form.validate_on_submit():
        accounts.save_contact_details(current_user, {key: form[key].data for key in accounts.CONTACT_DETAILS})
        flash("Your contact details are saved.", "success")
        return redirect(url_for(".index") + "#contact", 303)
    return page(contact_form=form, status=422)
