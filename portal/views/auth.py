"""Signing in and out, and setting a password from a one-time link."""

import math
import secrets
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer

from .. import accounts, clock, config, display, throttle
from ..clock import now
from ..forms import ForgotPasswordForm, LoginForm, SetPasswordForm
from ..models import User
from ..web import safe_next, start_session

bp = Blueprint("auth", __name__)

DEVICE_DAYS = 180  # a browser stays known for this long after the last sign-in on it
DEVICE_PEOPLE = 10  # the people a shared computer remembers, the latest last

THROTTLED = {
    throttle.ACCOUNT: "Too many failed tries for this account. Wait %s, then try again. In a browser where you "
    "have signed in before, you can sign in now; or set a new password with “Forgotten your password?”.",
    throttle.KNOWN_DEVICE: "Too many failed tries for this account in this browser. Wait %s, then try again.",
    throttle.ADDRESS: "Too many failed sign-ins from your network. Wait %s, then try again.",
    throttle.RESET_ADDRESS: "Too many requests for a new password from your network. Wait %s, then try again.",
}


def wait_text(until):
    minutes = max(1, math.ceil((until - now()).total_seconds() / 60))
    return "%d minute%s" % (minutes, "" if minutes == 1 else "s")


@dataclass(frozen=True)
class KnownDevice:
    """A browser that people signed in on before (OWASP's device cookie): a random nonce, and who they were."""

    nonce: str
    people: tuple


def _device_signer():
    return URLSafeTimedSerializer(config.signing_keys(current_app.config), salt="known-device")


def known_device():
    """This browser's known-device cookie, if it is one the portal signed in the last DEVICE_DAYS."""
    value = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    if not value:
        return None
    try:
        nonce, people = _device_signer().loads(value, max_age=DEVICE_DAYS * 86400)
        return KnownDevice(str(nonce), tuple(int(person) for person in people))
    except (BadData, TypeError, ValueError):
        return None


def remember_device(response, person):
    """Mark this browser as one `person` signed in on; a shared computer remembers its last DEVICE_PEOPLE."""
    device = known_device()
    nonce = device.nonce if device else secrets.token_urlsafe(16)
    people = [*(other for other in (device.people if device else ()) if other != person.id), person.id]
    settings = current_app.config
    response.set_cookie(
        settings["DEVICE_COOKIE_NAME"],
        _device_signer().dumps([nonce, people[-DEVICE_PEOPLE:]]),
        max_age=DEVICE_DAYS * 86400,
        secure=settings["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
    return response


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


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            person = accounts.authenticate(
                form.email.data, form.password.data, request.remote_addr or "", known_device()
            )
        except throttle.Throttled as throttled:
            form.form_errors.append(THROTTLED[throttled.limit] % wait_text(throttled.until))
            return render_template("auth/login.html", form=form), 429
        if person:
            start_session(person)
            return remember_device(redirect(safe_next(form.next.data) or url_for("home.index"), 303), person)
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
        try:
            accounts.request_password_reset(form.email.data, request.remote_addr or "")
        except throttle.Throttled as throttled:
            if throttled.limit is throttle.RESET_EMAIL:
                form.form_errors.append(
                    "A link for %s was asked for a few minutes ago. If the address belongs to an account, that "
                    "e-mail is on its way and its link works: look in your inbox and junk folder. You can ask for "
                    "another link from %s." % (form.email.data, display.exact_moment(throttled.until))
                )
            else:
                form.form_errors.append(THROTTLED[throttled.limit] % wait_text(throttled.until))
            return render_template("auth/forgot_password.html", form=form), 429
        flash(
            "If %s belongs to an account, we have sent it a link to set a new password. The link works once, "
            "for %d hours; a link sent to it before no longer works." % (form.email.data, hours),
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
        person = User.get_by_id(link.user_id)
        start_session(person)
        flash("Your password is set. Welcome to the partner portal.", "success")
        return remember_device(redirect(url_for("home.index"), 303), person)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/set_password.html", form=form, person=link.user), status
