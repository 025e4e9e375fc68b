"""The key a person's unsent drafts are kept under in the browser: on every page of theirs, theirs alone, the
same in each of their sessions, and on no page of someone signed out."""

import re

from portal import accounts, config

from .builders import make_org, make_user

DRAFT_KEY = re.compile(r'data-draft-key="([0-9a-f]{64})"')


def draft_key_on(client, path="/"):
    found = DRAFT_KEY.findall(client.get(path).text)
    assert len(found) == 1, "one draft key on %s, found %d" % (path, len(found))
    return found[0]


def test_each_person_has_their_own_draft_key_on_every_page_and_keeps_it(client):
    ann = make_user(make_org("St Helens Council", kind="local_authority"))
    bob = make_user(make_org("Liverpool City Council", kind="local_authority"))

    client.sign_in(ann)
    anns = draft_key_on(client)
    assert draft_key_on(client, "/threads") == anns
    client.sign_out()

    client.sign_in(bob)
    assert draft_key_on(client) != anns
    client.sign_out()

    client.sign_in(ann)
    assert draft_key_on(client, "/threads/new") == anns


def test_a_page_of_someone_signed_out_has_no_draft_key(client):
    client.sign_in(make_user())
    client.sign_out()
    for path in ("/login", "/privacy", "/forgot-password"):
        assert "data-draft-key" not in client.get(path).text


def test_a_draft_key_cannot_be_worked_out_without_the_apps_secret(app, monkeypatch):
    ann = make_user()
    with app.app_context():
        key = accounts.draft_key(ann)
        monkeypatch.setitem(config.current, "SECRET_KEY", "another secret")
        assert accounts.draft_key(ann) != key


def test_the_privacy_notice_says_what_is_kept_in_the_browser_and_for_how_long(client):
    notice = client.get("/privacy").text
    assert "What is kept in your browser" in notice
    assert "It is kept encrypted, in this browser only" in notice
    assert "when someone else signs in on this browser, or after 7 days" in notice
