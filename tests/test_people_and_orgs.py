"""The steward manages organisations and people; set-password links; everyone's own password."""

from datetime import timedelta

import pytest

from portal import clock
from portal.models import Event, Organisation, PasswordLink, User

from .builders import PASSWORD, make_org, make_steward, make_user

LINK = "http://portal.test/set-password/"


@pytest.mark.parametrize("path", ["/people/new", "/orgs/new", "/people/1/edit", "/people/1/password-link"])
def test_members_cannot_manage(as_person, path):
    person = make_user()
    client = as_person(person)
    assert client.get("/people").status_code == 403
    assert client.post(path, data={"name": "Sneaky"}).status_code == 403
    assert client.post("/orgs/%s/edit" % person.organisation.slug, data={"name": "Sneaky"}).status_code == 403
    assert not PasswordLink.select().exists()
    assert User.get_by_id(person.id).name != "Sneaky"


def test_steward_adds_an_organisation_with_a_derived_slug(as_person):
    client = as_person(make_steward())
    response = client.post("/orgs/new", data={"name": "Wirral Ways Charity", "kind": "charity", "active": "y"})
    assert response.status_code == 303 and response.headers["Location"] == "/orgs/wirral-ways-charity"
    assert Organisation.get(Organisation.slug == "wirral-ways-charity").kind == "charity"
    assert "Wirral Ways Charity" in client.get("/orgs").text
    assert Event.get(Event.action == "organisation_added")


def test_organisation_form_errors(as_person):
    make_org("Taken Name", slug="taken")
    client = as_person(make_steward())
    for data, message in [
        ({"name": "", "kind": "charity"}, "Enter the organisation&#39;s name"),
        ({"name": "Taken Name", "kind": "charity"}, "An organisation with this name already exists"),
        (
            {"name": "New", "slug": "taken", "kind": "charity"},
            "Another organisation already uses this short name",
        ),
        (
            {"name": "New", "slug": "Not OK!", "kind": "charity"},
            "Use lower-case letters, numbers and hyphens only",
        ),
        ({"name": "New", "kind": "bank"}, "Not a valid choice"),
    ]:
        response = client.post("/orgs/new", data=data)
        assert response.status_code == 422 and message in response.text, message


def test_steward_edits_an_organisation(as_person):
    organisation = make_org("Old Name", slug="old")
    client = as_person(make_steward())
    assert 'value="Old Name"' in client.get("/orgs/old/edit").text
    client.post("/orgs/old/edit", data={"name": "New Name", "slug": "old", "kind": "health"})
    saved = Organisation.get_by_id(organisation.id)
    assert (saved.name, saved.kind, saved.active) == ("New Name", "health", False)
    assert client.get("/orgs/nope/edit").status_code == 404


def test_steward_adds_a_person_who_sets_a_password_once(as_person, client):
    organisation = make_org()
    steward = as_person(make_steward())
    response = steward.post(
        "/people/new",
        data={
            "name": "Nia New",
            "email": " Nia@Example.org",
            "organisation": organisation.id,
            "role": "member",
            "active": "y",
        },
    )
    assert response.status_code == 200 and "Set-password link for Nia New" in response.text
    link = response.text.split('value="' + LINK)[1].split('"')[0]
    person = User.get(User.email == "nia@example.org")
    assert person.password_hash == ""
    assert "Welcome, Nia New" in client.get("/set-password/" + link).text
    short = client.post("/set-password/" + link, data={"new_password": "short", "confirm_password": "short"})
    assert short.status_code == 422 and "Use at least 12 characters" in short.text
    response = client.post(
        "/set-password/" + link,
        data={"new_password": "a long new password", "confirm_password": "a long new password"},
    )
    assert response.status_code == 303
    assert "What’s happening" in client.get("/").text
    client.sign_out()
    assert client.get("/set-password/" + link).status_code == 404
    client.sign_in(person, "a long new password")


def test_set_password_link_expires_and_a_new_one_replaces_the_old(as_person, client):
    person = make_user()
    steward = as_person(make_steward())
    first = steward.post("/people/%d/password-link" % person.id).text.split(LINK)[1].split('"')[0]
    second = steward.post("/people/%d/password-link" % person.id).text.split(LINK)[1].split('"')[0]
    assert client.get("/set-password/" + first).status_code == 404
    assert client.get("/set-password/" + second).status_code == 200
    with clock.fixed_at(clock.now() + timedelta(hours=73)):
        response = client.get("/set-password/" + second)
    assert response.status_code == 404 and "This link does not work any more" in response.text
    assert client.get("/set-password/made-up").status_code == 404
    assert PasswordLink.select().count() == 2


def test_steward_deactivates_a_person(as_person):
    person = make_user(name="Leaving Soon")
    steward = as_person(make_steward())
    response = steward.post(
        "/people/%d/edit" % person.id,
        data={
            "name": "Leaving Soon",
            "email": person.email,
            "organisation": person.organisation_id,
            "role": "member",
        },
    )
    assert response.status_code == 303
    assert not User.get_by_id(person.id).active
    assert "Deactivated" in steward.get("/people").text
    assert steward.post("/people/%d/password-link" % person.id).status_code == 303


def test_person_form_errors_keep_input(as_person):
    taken = make_user(email="taken@example.org")
    steward = as_person(make_steward())
    for data, message in [
        ({"name": "", "email": "x@example.org"}, "Enter the person&#39;s name"),
        ({"name": "Kept Name", "email": "not-an-email"}, "Enter an email address like name@example.org"),
        ({"name": "Kept Name", "email": "TAKEN@example.org"}, "Someone already uses this email address"),
        ({"name": "Kept Name", "email": "ok@example.org", "organisation": "99999"}, "Not a valid choice"),
    ]:
        data = {"organisation": taken.organisation_id, "role": "member", **data}
        response = steward.post("/people/new", data=data)
        assert response.status_code == 422 and message in response.text, message
        assert data["name"] in response.text


def test_steward_cannot_remove_their_own_steward_role(as_person):
    steward = make_steward()
    client = as_person(steward)
    response = client.post(
        "/people/%d/edit" % steward.id,
        data={
            "name": steward.name,
            "email": steward.email,
            "organisation": steward.organisation_id,
            "role": "member",
            "active": "y",
        },
    )
    assert response.status_code == 422
    assert User.get_by_id(steward.id).role == "steward"


def test_change_own_password(as_person, client):
    person = make_user()
    signed_in = as_person(person)
    for data, message in [
        (
            {"current_password": "wrong one", "new_password": "x" * 12, "confirm_password": "x" * 12},
            "Your current password is not right",
        ),
        (
            {"current_password": PASSWORD, "new_password": "x" * 11, "confirm_password": "x" * 11},
            "Use at least 12 characters",
        ),
        (
            {"current_password": PASSWORD, "new_password": "x" * 12, "confirm_password": "y" * 12},
            "The two passwords do not match",
        ),
    ]:
        response = signed_in.post("/account", data=data)
        assert response.status_code == 422 and message in response.text, message
    new = "twelve chars"
    response = signed_in.post(
        "/account", data={"current_password": PASSWORD, "new_password": new, "confirm_password": new}
    )
    assert response.status_code == 303
    client.sign_in(person, new)


def test_organisation_page_lists_its_requests_and_posts(as_person):
    from .builders import make_request, make_thread

    charity, council = make_org("Hope Charity", slug="hope"), make_org(kind="local_authority")
    author = make_user(charity)
    make_request(author, [council], title="Hope asks the council")
    make_thread(author, title="Hope's news")
    page = as_person(make_user(council)).get("/orgs/hope").text
    requests, posts = page.split('id="posts"')
    assert "Hope asks the council" in requests and "Hope&#39;s news" in posts
    assert as_person(make_user()).get("/orgs/nobody").status_code == 404
