"""Fixtures: one migrated database per test session (SQLite by default, TEST_DATABASE_URL for PostgreSQL),
emptied before each test, and a test client that sends a CSRF token with every form like a browser would."""

import os
import re

import pytest
from flask.testing import FlaskClient

from portal import create_app
from portal.cli import migrate
from portal.db import database
from portal.lists import cache
from portal.models import TABLES

from .builders import PASSWORD, PASSWORD_HASH

os.environ.setdefault("PORTAL_ENV", "test")  # the development key and plain-http cookies, as `make test` sets
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


class Client(FlaskClient):
    """A browser-like client: forms carry the CSRF token from the last page, unless csrf=False."""

    token = None

    def post(self, *args, csrf=True, **kwargs):
        data = kwargs.setdefault("data", {})
        if csrf and isinstance(data, dict) and "csrf_token" not in data:
            if self.token is None:
                self.token = TOKEN.search(self.get("/login", follow_redirects=True).text).group(1)
            data["csrf_token"] = self.token
        response = super().post(*args, **kwargs)
        if args and str(args[0]).startswith(("/login", "/logout", "/set-password", "/account")):
            self.token = None  # signing in or out, or changing a password, starts a new session
        return response

    def sign_in(self, person, password=PASSWORD):
        response = self.post("/login", data={"email": person.email, "password": password})
        assert response.status_code == 303, response.text
        return response

    def sign_out(self):
        return self.post("/logout")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or "sqlite:///%s" % (tmp_path_factory.mktemp("db") / "portal.db")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SERVER_NAME": "portal.test",
            "BASE_URL": "http://portal.test",
            "PAGE_SIZE": 5,
            "HOME_PAGE_SIZE": 5,
            "POSTS_PER_PAGE": 5,
            "PASSWORD_HASH": PASSWORD_HASH,
        }
    )
    app.test_client_class = Client
    with app.app_context():
        migrate()
    database.close()
    return app


@pytest.fixture(autouse=True)
def empty_database(app):
    with database.atomic():
        for model in reversed(TABLES):
            model.delete().execute()
    database.close()
    cache.forget()
    yield
    if not database.is_closed():
        database.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_person(app):
    """A signed-in client for `person`."""

    def sign_in(person):
        client = app.test_client()
        client.sign_in(person)
        return client

    return sign_in


@pytest.fixture
def mail_server(app):
    """A real SMTP server the outbox worker sends to (not started: call .start())."""
    from portal import config

    from .mailserver import MailServer, free_port

    server = MailServer(free_port())
    config.current.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_STARTTLS=False, SMTP_USER=None)
    yield server
    server.stop()
