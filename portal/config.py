"""Every setting, read from the environment in one place, with development defaults."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The running application's settings, for the modules that have no Flask (mail, outbox); set by create_app.
current = {}


def from_environment():
    """The settings for this process: development defaults, overridden by the environment."""
    environment = os.environ.get("PORTAL_ENV", "development")
    development = environment in ("development", "test")
    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key:
        if not development:
            raise RuntimeError("SECRET_KEY must be set outside development (PORTAL_ENV=%s)." % environment)
        secret_key = "development-only-not-secret"
    return {
        "ENVIRONMENT": environment,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "sqlite:///%s" % (ROOT / "instance" / "portal.db"),
        # outside development the cookie is __Host- prefixed: only over HTTPS, only for this exact host
        "SESSION_COOKIE_NAME": "portal_session" if development else "__Host-portal_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "120")),
        "SESSION_MAX_HOURS": int(os.environ.get("SESSION_MAX_HOURS", "12")),
        # how long before an idle session ends the page warns and offers to stay signed in
        "SESSION_WARNING_SECONDS": int(os.environ.get("SESSION_WARNING_SECONDS", "300")),
        "MAX_CONTENT_LENGTH": 512 * 1024,  # no uploads: nothing anyone sends is bigger than a long post
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
        "BASE_URL": os.environ.get("BASE_URL") or "http://127.0.0.1:%s" % os.environ.get("PORT", "5000"),
        "SMTP_HOST": os.environ.get("SMTP_HOST") or "127.0.0.1",
        "SMTP_PORT": int(os.environ.get("SMTP_PORT") or 25),
        "SMTP_USER": os.environ.get("SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "") == "1",
        "MAIL_FROM": os.environ.get("MAIL_FROM") or "Partner portal <portal@lcr.example.org>",
        "MAIL_DOMAIN": os.environ.get("MAIL_DOMAIN") or "lcr.example.org",
        "PAGE_SIZE": 20,
        # each of home's three lists: an overview that fits a phone, ten at a time
        "HOME_PAGE_SIZE": 10,
        "POSTS_PER_PAGE": 50,
    }
