"""What anyone may open without signing in: the accessibility statement says who to contact and when it was
last reviewed, and the portal's icon is found where browsers look for it."""

import pytest


def test_the_accessibility_statement_gives_a_contact_and_the_date_it_was_last_reviewed(client):
    page = client.get("/accessibility").text
    assert '<a href="mailto:steward@lcr.example.org">steward@lcr.example.org</a>' in page
    assert 'last reviewed on <time datetime="2026-12-03">3 December 2026</time>' in page
    assert "fully compliant with the Web Content Accessibility Guidelines version 2.2 AA standard" in page
    fixed = page.split("Fixed on 3 December 2026")[1]
    for criterion in ("4.1.3 Status Messages", "2.4.3 Focus Order", "3.3.1 Error Identification", "1.4.11"):
        assert criterion in fixed


def test_the_contact_is_a_setting(app, client):
    app.config["ACCESSIBILITY_CONTACT"] = "access@example.org"
    try:
        assert 'href="mailto:access@example.org"' in client.get("/accessibility").text
    finally:
        app.config["ACCESSIBILITY_CONTACT"] = "steward@lcr.example.org"


@pytest.mark.parametrize("path", ["/login", "/accessibility"])
def test_every_page_names_the_icon(client, path):
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get(path).text


def test_the_icon_is_found_where_browsers_look_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.location.endswith("/static/favicon.svg")
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
