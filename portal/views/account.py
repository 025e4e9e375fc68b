"""The signed-in person's own account: who they are, and changing their password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import accounts
from ..forms import ChangePasswordForm

bp = Blueprint("account", __name__)


@bp.route("/account", methods=["GET", "POST"])
def index():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if accounts.change_password(current_user, form.current_password.data, form.new_password.data):
            flash("Your password is changed.", "success")
            return redirect(url_for(".index"), 303)
        form.current_password.errors.append("Your current password is not right")
    return render_template("account/index.html", form=form), 422 if form.is_submitted() else 200
