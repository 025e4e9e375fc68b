"""Every setting, read from the environment in one place, with development defaults."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The running application's settings, for the modules that have no Flask (mail, outbox); set by create_app.
current = {}


DEVELOPMENT_KEY = "development-only-not-secret"
SHORTEST_KEY = 32


class Misconfigured(SystemExit):
    """A setting the portal cannot safely start without: the process says which and what to do, and stops with
    code 3 (a flask command exits with it; to gunicorn it means a worker failed to boot, so it stops too instead of
    starting the worker again and again)."""

    def __init__(self, message):
        super().__init__(3)
        self.message = message
        print(message, file=sys.stderr)

    def __str__(self):
        return self.message


def secret_keys(environment, development):
    """(SECRET_KEY, SECRET_KEY_FALLBACKS): the key that signs, and older keys that still verify while they are
    rotated out. Outside development a missing, short or public key stops the start."""
    key = os.environ.get("SECRET_KEY", "")
    fallbacks = os.environ.get("SECRET_KEY_FALLBACKS", "").split()
    if development:
        return key or DEVELOPMENT_KEY, fallbacks
    for value in (key, *fallbacks):
        if len(value) < SHORTEST_KEY or value == DEVELOPMENT_KEY:
            raise Misconfigured(
                "SECRET_KEY%s must be set to a long random value (%d characters or more) when PORTAL_ENV is %s. "
                "Make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'. On a development "
                "machine, `make run` sets PORTAL_ENV=development instead."
                % ("" if value == key else "_FALLBACKS", SHORTEST_KEY, environment)
            )
    return key, fallbacks


def signing_keys(settings):
    """Every key that verifies, oldest first and the one that signs last (itsdangerous's order)."""
    return [*settings["SECRET_KEY_FALLBACKS"], settings["SECRET_KEY"]]


def from_environment():
    """The settings for this process: the environment's, with development defaults only where PORTAL_ENV says
    development (`make run`) or test; unset, it is production."""
    environment = os.environ.get("PORTAL_ENV", "production")
    development = environment in ("development", "test")
    secret_key, fallbacks = secret_keys(environment, development)
    return {
        "ENVIRONMENT": environment,
        "SECRET_KEY": secret_key,
        "SECRET_KEY_FALLBACKS": fallbacks,
        # how many proxies in front add X-Forwarded-For, -Proto and -Host (0: clients connect directly)
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "sqlite:///%s" % (ROOT / "instance" / "portal.db"),
        # outside development the cookie is __Host- prefixed: only over HTTPS, only for this exact host
        "SESSION_COOKIE_NAME": "portal_session" if development else "__Host-portal_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "DEVICE_COOKIE_NAME": "portal_device" if development else "__Host-portal_device",
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "120")),
        "SESSION_MAX_HOURS": int(os.environ.get("SESSION_MAX_HOURS", "12")),
        # how long before an idle session ends the page warns and offers to stay signed in
        "SESSION_WARNING_SECONDS": int(os.environ.get("SESSION_WARNING_SECONDS", "300")),
        # werkzeug's method for new password hashes (its default today is scrypt:32768:8:1); the tests set a
        # cheaper scrypt for the people they make, who sign in a thousand times
        "PASSWORD_HASH": "scrypt",
        "MAX_CONTENT_LENGTH": 512 * 1024,  # but forms that take files (UPLOAD_ENDPOINTS) take more
        "ATTACHMENT_MAX_MB": int(os.environ.get("ATTACHMENT_MAX_MB", "10")),
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not development,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked after the sign-in check instead (portal/__init__.py)
        "SET_PASSWORD_LINK_HOURS": int(os.environ.get("SET_PASSWORD_LINK_HOURS", "72")),
        "RESET_LINK_HOURS": int(os.environ.get("RESET_LINK_HOURS", "2")),
        "RETENTION_REQUEST_MONTHS": int(os.environ.get("RETENTION_REQUEST_MONTHS", "24")),
        "RETENTION_UPDATE_MONTHS": int(os.environ.get("RETENTION_UPDATE_MONTHS", "12")),
        # a sent e-mail is only a copy of what was delivered: kept this long, to answer "did it go?"
        "RETENTION_SENT_MAIL_DAYS": int(os.environ.get("RETENTION_SENT_MAIL_DAYS", "30")),
        "BASE_URL": os.environ.get("BASE_URL") or "http://127.0.0.1:%s" % os.environ.get("PORT", "5000"),
        "SMTP_HOST": os.environ.get("SMTP_HOST") or "127.0.0.1",
        "SMTP_PORT": int(os.environ.get("SMTP_PORT") or 25),
        "SMTP_USER": os.environ.get("SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "") == "1",
        "MAIL_FROM": os.environ.get("MAIL_FROM") or "Partner portal <portal@lcr.example.org>",
        "MAIL_DOMAIN": os.environ.get("MAIL_DOMAIN") or "lcr.example.org",
        "ACCESSIBILITY_CONTACT": os.environ.get("ACCESSIBILITY_CONTACT") or "steward@lcr.example.org",
        # a wait on the board longer than this is marked as old
        "OLD_WAIT_DAYS": int(os.environ.get("OLD_WAIT_DAYS", "7")),
        # a service nobody has confirmed for this long is asked "still right?"
        "SERVICE_CONFIRM_DAYS": int(os.environ.get("SERVICE_CONFIRM_DAYS", "90")),
        "PAGE_SIZE": 20,
        # each of home's three lists: an overview that fits a phone, ten at a time
        "HOME_PAGE_SIZE": 10,
        "POSTS_PER_PAGE": 50,
        # the read side's caches (portal/lists/cache.py), on unless switched off to measure them (bench/mixed.py)
        "SQL_CACHE": os.environ.get("PORTAL_SQL_CACHE", "1") != "0",
        "EVENT_CACHE": os.environ.get("PORTAL_EVENT_CACHE", "1") != "0",
    }
