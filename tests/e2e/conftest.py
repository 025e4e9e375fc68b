"""The browser tests: Debian's Chromium driven by Playwright against the app served on 127.0.0.1.

Skipped, with the reason in pytest's summary, on a machine without /usr/bin/chromium.
"""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import demo
from portal.db import database
from portal.models import TABLES

from .steps import sign_in

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).parent

# Headless and quiet; every request stays on loopback, so a page that reached for a CDN would fail visibly.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason="no browser: %s is missing (apt-get install chromium to run the browser tests)" % CHROMIUM
    )
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


def closed_before_sending(app):
    """`app` with each response read whole and closed before it is sent. Werkzeug's server leaves a file response
    open when the browser drops the connection mid-send (Chromium does, closing a page while its favicon loads),
    and the ResourceWarning it gives fails whichever test the garbage collector happens to be in."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(app):
    """The test app on a free loopback port, shared by every browser test; yields its base URL."""
    server = make_server("127.0.0.1", 0, closed_before_sending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_port
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture
def demo_region(app):
    """The demo region's people and threads; everyone's password is demo.PASSWORD."""
    demo.seed()


@pytest.fixture(scope="module")
def shared_demo_region(app):
    """One demo region for a whole module whose tests only look (or change nothing the others look at).

    Such a module overrides the per-test `empty_database` with a fixture that asks for this one."""
    with database.atomic():
        for model in reversed(TABLES):
            model.delete().execute()
        demo.seed()
    database.close()


@pytest.fixture(scope="module")
def signed_in(browser, base_url, shared_demo_region):
    """The browser storage (session cookie) of each person once signed in, so a module signs each in once."""
    states = {}

    def storage_state(email):
        if email not in states:
            context = browser.new_context(base_url=base_url)
            sign_in(context.new_page(), email)
            states[email] = context.storage_state()
            context.close()
        return states[email]

    return storage_state


@pytest.fixture
def page_for(new_context, signed_in):
    """A new page in its own context, signed in as `email` (or as nobody), with any other context options."""

    def open_page(email=None, **options):
        return new_context(storage_state=signed_in(email) if email else None, **options).new_page()

    return open_page


@pytest.fixture
def no_script_page(new_context):
    """A page in a browser context with JavaScript disabled."""

    def open_page():
        return new_context(java_script_enabled=False).new_page()

    return open_page
