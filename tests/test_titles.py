"""Changing a thread's title: who may, the form's errors, its history in the timeline and audit log, search, and
the personal-data guard on titles."""

import pytest

from portal import moderation
from portal.models import Event, Thread

from .builders import make_org, make_request, make_steward, make_thread, make_user

HTMX = {"HX-Request": "true"}


@pytest.fixture
def charity():
    return make_org("Hope Street Charity")


def test_the_author_changes_the_title_and_its_earlier_version_stays_in_view(as_person, charity):
    author = make_user(charity, name="Ana Okafor")
    thread = make_thread(author, title="Crash pad for tonihgt", body="Beds in St Helens")
    client = as_person(author)
    assert 'href="/threads/%d/title"' % thread.id in client.get("/threads/%d" % thread.id).text
    form = client.get("/threads/%d/title" % thread.id)
    assert form.status_code == 200 and 'value="Crash pad for tonihgt"' in form.text
    response = client.post("/threads/%d/title" % thread.id, data={"title": "  Crash pad for tonight "})
    assert response.status_code == 303 and response.headers["Location"] == "/threads/%d" % thread.id
    assert Thread.get_by_id(thread.id).title == "Crash pad for tonight"
    event = Event.get(Event.action == "title_changed")
    assert event.data == {"before": "Crash pad for tonihgt", "after": "Crash pad for tonight", "by_steward": False}
    reader = as_person(make_user())
    page = reader.get("/threads/%d" % thread.id).text
    assert "<h1>Crash pad for tonight</h1>" in page
    assert "Ana Okafor changed the title from “Crash pad for tonihgt” to “Crash pad for tonight”" in page
    assert "Crash pad for tonight" in reader.get("/threads").text
    assert "title from “Crash pad for tonihgt”" in as_person(make_steward()).get("/audit").text
    # search follows the new title, and forgets the old one
    assert "/threads/%d" % thread.id in reader.get("/search?q=tonight").text
    assert "/threads/%d" % thread.id not in reader.get("/search?q=tonihgt").text
    # the same title again changes nothing and records nothing
    assert client.post("/threads/%d/title" % thread.id, data={"title": "Crash pad for tonight"}).status_code == 303
    assert Event.select().where(Event.action == "title_changed").count() == 1


@pytest.mark.parametrize(
    "title, message",
    [("", "Give it a title"), ("x" * 201, "Keep the title under 200 characters")],
)
def test_a_bad_title_keeps_what_was_typed_with_the_error_next_to_the_field(as_person, charity, title, message):
    author = make_user(charity)
    thread = make_thread(author, title="Beds")
    client = as_person(author)
    page = client.post("/threads/%d/title" % thread.id, data={"title": title})
    assert page.status_code == 422 and "<title>Error: Change the title" in page.text
    error = '<p class="field-error" id="title-error"><span class="visually-hidden">Error:</span> %s' % message
    assert error in page.text
    assert 'aria-invalid="true"' in page.text and 'value="%s"' % title in page.text
    assert Thread.get_by_id(thread.id).title == "Beds"
    fragment = client.post("/threads/%d/title" % thread.id, data={"title": title}, headers=HTMX)
    assert fragment.status_code == 422 and fragment.text.lstrip().startswith('<form id="title-form"')
    assert message in fragment.text and "<html" not in fragment.text


def test_with_htmx_a_saved_title_loads_the_thread_page(as_person, charity):
    author = make_user(charity)
    thread = make_thread(author, title="Beds")
    response = as_person(author).post("/threads/%d/title" % thread.id, data={"title": "Two beds"}, headers=HTMX)
    assert response.status_code == 200 and response.headers["HX-Location"] == "/threads/%d" % thread.id
    assert Thread.get_by_id(thread.id).title == "Two beds"


def test_who_may_change_a_title(as_person, charity):
    author, colleague, steward = make_user(charity), make_user(charity), make_steward(name="Sam Steward")
    council, outsider = make_org(), make_org()
    thread = make_request(author, [council], title="Beds", visibility="restricted")
    path = "/threads/%d/title" % thread.id
    for person in (colleague, make_user(council)):  # as for posts: the author, not their colleagues
        client = as_person(person)
        assert client.get(path).status_code == 403
        assert client.post(path, data={"title": "Mine"}).status_code == 403
        assert 'href="%s"' % path not in client.get("/threads/%d" % thread.id).text
    assert as_person(make_user(outsider)).post(path, data={"title": "Mine"}).status_code == 404
    moderation.set_flag(thread, steward, "locked", True)
    assert as_person(author).post(path, data={"title": "Mine"}).status_code == 403  # locked: no changes
    assert as_person(steward).post(path, data={"title": "Beds (St Helens)"}).status_code == 303
    assert Event.get(Event.action == "title_changed").data["by_steward"] is True
    assert "Sam Steward changed the title" in as_person(author).get("/threads/%d" % thread.id).text


def test_the_guard_checks_titles_when_they_change_and_when_a_thread_starts(as_person, charity):
    author = make_user(charity)
    thread = make_thread(author, title="Beds")
    client = as_person(author)
    held = client.post("/threads/%d/title" % thread.id, data={"title": "Bed for caller on 07700 900123"})
    assert held.status_code == 422 and "This title looks like it has a phone number" in held.text
    assert "<mark>07700 900123</mark>" in held.text and "I have checked: these details are needed" in held.text
    assert Thread.get_by_id(thread.id).title == "Beds"
    kept = client.post(
        "/threads/%d/title" % thread.id, data={"title": "Bed for caller on 07700 900123", "confirm_personal": "y"}
    )
    assert kept.status_code == 303
    confirmed = Event.get(Event.action == "personal_data_confirmed")
    assert confirmed.data == {"post": None, "kinds": ["phone"]}
    new = {"kind": "update", "title": "Born on DOB: 12/03/1985", "visibility": "all", "body": "All quiet"}
    started = client.post("/threads/new", data=new)
    assert started.status_code == 422 and "This title looks like it has a date of birth" in started.text
    assert 'id="confirm_personal"' in started.text
    assert client.post("/threads/new", data={**new, "confirm_personal": "y"}).status_code == 303
