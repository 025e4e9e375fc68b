"""Signing in and out, and setting a password from a one-time link."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from .. import accounts, clock
from ..clock import now
from ..forms import ForgotPasswordForm, LoginForm, SetPasswordForm
from ..models import User

bp = Blueprint("auth", __name__)


# Background polls (live updates, the notification count) are not someone using the portal: counted as use, they
# would keep a page left open on a shared computer signed in for ever.
POLLS = {"notifications.count", "threads.live", "threads.live_rows", "board.live"}


def session_expired():
    """Sessions end after a while unused and after an absolute lifetime; `seen` is refreshed once a minute, by what
    a person does (not by polls)."""
    moment = clock.seconds()
    started, seen = session.get("started", 0), session.get("seen", 0)
    settings = current_app.config
    if moment - started > settings["SESSION_MAX_HOURS"] * 3600 or moment - seen > settings["SESSION_IDLE_MINUTES"] * 60:
        return True
    if moment - seen > 60 and request.endpoint not in POLLS:
        session["seen"] = moment
    return False


def idle_seconds_left():
    """How long this session has before it ends for being unused, or None when nobody is signed in."""
    if "seen" not in session or "_user_id" not in session:
        return None
    return max(0, round(session["seen"] + current_app.config["SESSION_IDLE_MINUTES"] * 60 - clock.seconds()))


@bp.after_app_request
def tell_when_the_session_ends(response):
    """Every answer says how long the session has left, so the page's warning follows what the person did."""
    left = idle_seconds_left()
    if left is not None:
        response.headers["X-Session-Ends-In"] = str(left)
    return response


@bp.app_context_processor
def session_limit():
    """The idle limit in words, for the page to say (the warning needs JavaScript; this does not)."""
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    if minutes % 60 == 0:
        words = "%d hour%s" % (minutes // 60, "" if minutes == 60 else "s")
    else:
        words = "%d minute%s" % (minutes, "" if minutes == 1 else "s")
    return {"session_limit": words, "session_ends_in": idle_seconds_left}


@bp.post("/session/stay")
def stay_signed_in():
    """The warning's "Stay signed in": counts as using the portal, so the session starts its idle time again."""
    session["seen"] = clock.seconds()
    return "", 204


def start_session(person):
    """Sign in with a fresh session: nothing of the previous one (or a planted one) survives."""
    session.clear()
    login_user(person)
    session["started"] = session["seen"] = clock.seconds()


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
        try:
            person = accounts.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except accounts.Throttled as throttled:
            minutes = max(1, round((throttled.until - now()).total_seconds() / 60))
            form.form_errors.append(
                "Too many tries. Wait %d minute%s, then try again." % (minutes, "" if minutes == 1 else "s")
            )
            return render_template("auth/login.html", form=form), 429
        if person:
            start_session(person)
            return redirect(safe_next(form.next.data) or url_for("home.index"), 303)
        form.form_errors.append("The email or password is not right. Check them and try again.")
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "POST":
        if current_user.is_authenticated:
            accounts.end_sessions(current_user)  # a copy of the cookie stops working too
        logout_user()
        session.clear()
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
        start_session(User.get_by_id(link.user_id))
        flash("Your password is set. Welcome to the partner portal.", "success")
        return redirect(url_for("home.index"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/set_password.html", form=form, person=link.user), status
