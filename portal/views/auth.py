"""Signing in and out, and setting a password from a one-time link."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from .. import accounts
from ..forms import ForgotPasswordForm, LoginForm, SetPasswordForm

bp = Blueprint("auth", __name__)


def safe_next(target):
    """Only a path on this site: never another host, not even by '//' or a backslash."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        person = accounts.authenticate(form.email.data, form.password.data)
        if person:
            login_user(person)
            return redirect(safe_next(form.next.data) or url_for("home.index"), 303)
        form.form_errors.append("The email or password is not right. Check them and try again.")
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "POST":
        logout_user()
        flash("You have signed out.", "success")
        return redirect(url_for("auth.login"), 303)
    return render_template("auth/logout.html")


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    hours = current_app.config["RESET_LINK_HOURS"]
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data, hours)
        flash(
            "If %s belongs to an account, we have sent it a link to set a new password. The link works once, "
            "for %d hours." % (form.email.data, hours),
            "success",
        )
        return redirect(url_for(".login"), 303)
    return render_template("auth/forgot_password.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token):
    link = accounts.find_password_link(token)
    if link is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        if not accounts.use_password_link(link, form.new_password.data):
            abort(409)
        logout_user()
        login_user(link.user)
        flash("Your password is set. Welcome to the partner portal.", "success")
        return redirect(url_for("home.index"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/set_password.html", form=form, person=link.user), status
