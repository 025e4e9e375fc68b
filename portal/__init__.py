"""The partner portal: create_app() builds the Flask application."""

import json
import logging
import time
import uuid
from urllib.parse import urlsplit

import peewee
from flask import Flask, abort, flash, g, jsonify, render_template, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import (
    accounts,
    attachments,
    clock,
    config,
    display,
    guard,
    mail,
    models,
    moderation,
    operations,
    rules,
    timeline,
    tracking,
)
from .db import database, open_database
from .htmx import add_vary
from .lists import cache
from .lists.cache import slot, sql
from .lists.threads import steward_choices
from .paging import MAX_ID, id_from, page_url

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
csrf = CSRFProtect()

# Pages anyone may open without signing in.
PUBLIC_ENDPOINTS = {
    "readyz",
    "auth.login",
    "auth.forgot_password",
    "auth.set_password",
    "static",
    "healthz",
    "pages.accessibility",
    "pages.privacy",
    "pages.favicon",
}

# Forms that take files (attachments): their requests may be larger than any other's.
UPLOAD_ENDPOINTS = {"threads.new", "threads.reply", "attachments.add_to_service"}

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class BoundedInt(IntegerConverter):
    """Ids in paths: a number too big for the database is simply not found."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, max=MAX_ID, **kwargs)


@sql
def signed_in():
    """The person, and the newest event's id at no extra query: the cache until the next event compares it."""
    latest_change = cache.newest_event().alias("latest_change")
    return models.User.with_organisation().select_extend(latest_change).where(models.User.id == slot("person")).limit(1)


@login_manager.user_loader
def load_user(session_id):
    """The person a session belongs to, unless their sessions were ended since (a new session version)."""
    person_id, _, version = session_id.partition(":")
    person_id = id_from(person_id)
    if person_id is None or not version.isascii() or not version.isdigit():
        return None
    found = signed_in.run(person=person_id)
    person = next(iter(found), None)
    if person is None or person.session_version != int(version):
        return None
    g.latest_change = person.latest_change
    return person


def create_app(test_config=None):
    app = Flask(__name__, template_folder=str(config.ROOT / "templates"), static_folder=str(config.ROOT / "static"))
    app.url_map.converters["int"] = BoundedInt
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    # CSRF tokens in pages made before a key rotation still verify, as sessions do (Flask's SECRET_KEY_FALLBACKS)
    app.config["WTF_CSRF_SECRET_KEY"] = config.signing_keys(app.config)
    trust_proxies(app)
    config.current.clear()
    config.current.update(app.config)
    open_database(app.config["DATABASE_URL"])
    if not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    mail.hide_reply_tokens_in_logs()
    login_manager.init_app(app)
    csrf.init_app(app)
    Htmx(app)

    from .views import (
        account,
        auth,
        barriers,
        board,
        checkins,
        cycles,
        edits,
        files,
        home,
        learning,
        moderation,
        notifications,
        orgs,
        overrides,
        pages,
        people,
        profiles,
        proposals,
        requests,
        search,
        services,
        threads,
    )

    for module in (
        auth,
        home,
        threads,
        edits,
        requests,
        board,
        moderation,
        overrides,
        notifications,
        barriers,
        proposals,
        checkins,
        learning,
        cycles,
        search,
        orgs,
        services,
        people,
        profiles,
        account,
        files,
        pages,
    ):
        app.register_blueprint(module.bp)

    from .cli import register

    register(app)
    _add_request_hooks(app)
    _add_error_pages(app)
    _add_template_helpers(app)

    @app.get("/healthz")
    def healthz():
        """The process is up. Touches no database."""
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz():
        """Ready for work: the database answers, migrations are current, the outbox is moving."""
        checks, ready = operations.readiness()
        return jsonify(ready=ready, **checks), 200 if ready else 503

    return app


def trust_proxies(app):
    """Behind TRUSTED_PROXIES reverse proxies, the client's address, scheme and host are the ones they pass on
    (X-Forwarded-For, -Proto, -Host); with none, those headers are ignored, so a client cannot pick its address."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _add_request_hooks(app):
    from .views.auth import session_expired

    @app.before_request
    def allow_uploads():
        """Room for the files a form may take, and a little over, so that a file too large is refused next to its
        field with the rest of the form kept (files are spooled to disk by werkzeug, not held in memory; each other
        field is still held to MAX_FORM_MEMORY_SIZE)."""
        if request.endpoint in UPLOAD_ENDPOINTS and request.mimetype == "multipart/form-data":
            request.max_content_length = (attachments.MAX_FILES + 1) * app.config["ATTACHMENT_MAX_MB"] * 1024 * 1024

    @app.before_request
    def require_sign_in():
        if current_user.is_authenticated and session_expired():
            logout_user()
            session.clear()
            flash("You were signed out because the session was old or unused for a while. Sign in again.", "info")
        if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
            # CSRF is checked here, after sign-in: someone whose session ended is sent to sign in, not told
            # that their form expired
            csrf.protect()
            return None
        if request.endpoint is None:
            abort(404)
        if request.htmx:
            # A fragment swap cannot show the sign-in page: send the whole window there, and afterwards back to
            # the page they were on (not to the address of a form they sent)
            back = urlsplit(request.headers.get("HX-Current-URL", ""))
            page = back.path + ("?" + back.query if back.query else "") if request.method != "GET" else None
            response = app.response_class(status=204)
            response.headers["HX-Redirect"] = url_for("auth.login", next=page or request.full_path.rstrip("?"))
            return response
        return login_manager.unauthorized()

    @app.before_request
    def start_clock():
        g.started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        # one line per request; the path, never the query string (it can hold what someone searched for);
        # the person only if this request already loaded them (so /healthz and static files stay database-free)
        signed_in = g.get("_login_user")
        operations.log.info(
            json.dumps(
                {
                    "request": g.get("request_id"),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
                    "user": signed_in.id if signed_in is not None and signed_in.is_authenticated else None,
                }
            )
        )
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.after_request
    def headers(response):
        for name, value in SECURITY_HEADERS.items():  # a file download sets a stricter policy of its own
            response.headers.setdefault(name, value)
        signed_in = g.get("_login_user")
        if signed_in is not None and signed_in.is_authenticated and request.endpoint != "static":
            # what a signed-in person saw (restricted threads, exports) stays out of a shared computer's cache
            response.headers["Cache-Control"] = "no-store"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return add_vary(response)

    @app.teardown_request
    def close_database(exc):
        if not database.is_closed():
            database.close()


def _add_error_pages(app):
    messages = {
        400: ("Something was wrong with that request", "Go back, check what you entered and try again."),
        403: (
            "You cannot do that",
            "Your account does not allow this action. Ask the systems steward if you think it should.",
        ),
        404: (
            "Page not found",
            "The page may have moved, or you may not have access to it. Check the address, "
            "or go back to the home page.",
        ),
        405: ("That action is not available here", "Go back and use the buttons on the page."),
        413: (
            "That was too large to send",
            "Files can be at most %d MB each, and at most %d files go with one post. Go back, make the file smaller "
            "or leave it out, and send the form again.",
        ),
        409: (
            "This changed while you were looking",
            "Someone else changed it first. Reload the page to see where it stands now.",
        ),
        500: ("Sorry, something went wrong", "The problem has been logged. Try again in a moment."),
    }

    def error_page(error):
        code = getattr(error, "code", 500) or 500
        if code in (400, 403):  # refused actions are logged (who and where, not what they sent)
            signed_in = g.get("_login_user")
            operations.log.warning(
                "refused %d: %s %s by %s",
                code,
                request.method,
                request.path,
                signed_in.id if signed_in is not None and signed_in.is_authenticated else "nobody",
            )
        title, text = messages.get(code, messages[500])
        if code == 413:
            text %= (app.config["ATTACHMENT_MAX_MB"], attachments.MAX_FILES)
        if isinstance(error, CSRFError):
            title = "This form had expired"
            text = "For your security, forms expire. Go back, reload the page and send it again; what you "
            text += "typed may still be there when you go back."
        return render_template("errors.html", title=title, text=text, code=code), code

    for code in messages:
        app.register_error_handler(code, error_page)

    def database_away(error):
        operations.log.error("database unavailable: %s", error.__class__.__name__)
        database.close()
        if "_login_user" not in g:  # who is signed in could not be read: the page asks the database nothing more
            g._login_user = login_manager.anonymous_user()
        title, text = "The portal is busy for a moment", "It cannot reach its database. Try again in a minute."
        return render_template("errors.html", title=title, text=text, code=503), 503

    app.register_error_handler(peewee.OperationalError, database_away)
    app.register_error_handler(peewee.InterfaceError, database_away)
    app.register_error_handler(CSRFError, error_page)


def linked_threads(thread, user):
    """The linked threads `user` may see, asked for once however many parts of the page show them, and not
    at all when the thread page's query found none (`has_links`)."""
    if getattr(thread, "_linked", None) is None:
        thread._linked = list(moderation.linked_threads(thread, user)) if getattr(thread, "has_links", True) else []
    return thread._linked


def _add_template_helpers(app):
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["london"] = clock.in_london
    app.jinja_env.filters["relative"] = clock.relative
    app.jinja_env.filters["waited"] = clock.waited
    app.jinja_env.globals.update(
        time_ago=display.time_ago,
        exact_time=display.exact_time,
        long_date=display.long_date,
        month_name=display.month_name,
        kind_tag=display.kind_tag,
        status_tag=display.status_tag,
        may=rules,
        draft_key=accounts.draft_key,
        describe=timeline.describe,
        waiting_on=tracking.waiting_on,
        steward_choices=steward_choices,
        linked=linked_threads,
        highlight=guard.highlight,
        describe_findings=guard.describe,
        attachment_label=attachments.label,
        file_size=attachments.size_words,
        read_log=models.ReadLog.for_thread,
        CLOSE_REASONS=models.CLOSE_REASONS,
        page_url=page_url,
        live_cursor=lambda: clock.now().isoformat(),
        long_wait=lambda since: clock.longer_than(since, app.config["OLD_WAIT_DAYS"]),
        THREAD_KINDS=models.THREAD_KINDS,
        STATUSES=models.STATUSES,
        ORG_KINDS=models.ORG_KINDS,
        ROLES=models.ROLES,
        VISIBILITIES=models.VISIBILITIES,
    )
