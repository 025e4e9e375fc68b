"""People to contact: every partner sees a person's page and who to contact at an organisation, with the work
contact details each person chose to show on their account page; the steward's people pages stay the steward's."""

import io
import json
import zipfile

import pytest
from playhouse.test_utils import count_queries

from portal import demo, guard, tracking
from portal.models import Event, User

from .builders import make_org, make_steward, make_thread, make_user

SHOWN = {"contact-job_title": "Outreach team leader", "contact-work_phone": "0151 496 0123", "contact-show_phone": "y"}


def test_a_person_saves_their_contact_details_on_their_account_page_and_partners_see_them(as_person):
    council = make_org("St Helens Council", slug="st-helens")
    officer = make_user(council, name="Sam Jones", email="sam@sthelens.example.org")
    client = as_person(officer)
    form = client.get("/account").text
    assert 'id="contact"' in form and "Job title" in form and "Show my work email to partners" in form
    response = client.post("/account/contact", data={**SHOWN, "contact-show_email": "y"})
    assert response.status_code == 303 and response.location.endswith("/account#contact")
    saved = User.get_by_id(officer.id)
    assert (saved.job_title, saved.work_phone, saved.show_email, saved.show_phone) == (
        "Outreach team leader",
        "0151 496 0123",
        True,
        True,
    )
    event = Event.get(Event.action == "contact_details_changed")
    assert event.actor_id == officer.id and event.data["after"]["work_phone"] == "0151 496 0123"
    assert event.data["before"] == {"job_title": "", "work_phone": "", "show_email": False, "show_phone": True}

    page = as_person(make_user()).get("/people/%d" % officer.id)
    assert page.status_code == 200 and "<h1>Sam Jones</h1>" in page.text
    assert "Outreach team leader" in page.text and 'href="/orgs/st-helens"' in page.text
    assert 'href="tel:01514960123"' in page.text and 'href="mailto:sam@sthelens.example.org"' in page.text
    assert "/people/%d/edit" % officer.id not in page.text


def test_contact_details_are_hidden_until_their_owner_chooses_to_show_them(as_person):
    officer = make_user(name="Sam Jones", email="sam@sthelens.example.org", work_phone="0151 496 0123")
    partner = as_person(make_user())
    page = partner.get("/people/%d" % officer.id).text
    assert "sam@sthelens.example.org" not in page and "0151 496 0123" in page  # e-mail opt-in, a phone shown
    as_person(officer).post("/account/contact", data={"contact-work_phone": "0151 496 0123"})  # both unticked
    page = partner.get("/people/%d" % officer.id).text
    assert "0151 496 0123" not in page and "sam@sthelens.example.org" not in page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("contact-work_phone", "ring me", "Enter one phone number in full, like 0151 496 0123"),
        ("contact-work_phone", "0151 496", "Enter one phone number in full"),
        ("contact-work_phone", "0151 496 0123, 0151 496 0124", "Enter one phone number in full"),
        ("contact-work_phone", "0" * 41, "Keep the phone number under 40 characters"),
        ("contact-job_title", "x" * 121, "Keep the job title under 120 characters"),
    ],
)
def test_contact_details_that_are_not_right_are_refused_next_to_the_field_keeping_the_input(
    as_person, field, value, message
):
    person = make_user()
    response = as_person(person).post("/account/contact", data={**SHOWN, field: value})
    assert response.status_code == 422 and message in response.text and value[:40] in response.text
    assert "Outreach team leader" in response.text or field == "contact-job_title"
    assert User.get_by_id(person.id).work_phone == ""


def test_contact_details_need_a_signed_in_person_and_the_form_token(client, as_person):
    assert client.post("/account/contact", data=dict(SHOWN)).status_code in (302, 303)
    person = make_user()
    assert as_person(person).post("/account/contact", data=dict(SHOWN), csrf=False).status_code == 400
    assert User.get_by_id(person.id).work_phone == ""


def test_someone_who_left_is_shown_as_no_longer_at_the_partnership_without_contact_details(as_person):
    leaver = make_user(
        name="Lee Leaver", email="lee@example.org", work_phone="0151 496 0999", show_email=True, active=False
    )
    page = as_person(make_user()).get("/people/%d" % leaver.id)
    assert page.status_code == 200 and "Lee Leaver is no longer at the partnership" in page.text
    assert "0151 496 0999" not in page.text and "lee@example.org" not in page.text


def test_wrong_ids_are_404_and_the_stewards_people_pages_stay_the_stewards(client, as_person):
    member = as_person(make_user())
    for path in ("/people/999999", "/people/0", "/people/abc"):
        assert member.get(path).status_code == 404
    person = make_user()
    for path in ("/people", "/people/new", "/people/%d/edit" % person.id, "/people/%d/export" % person.id):
        assert member.get(path).status_code == 403, path
    assert client.get("/people/%d" % person.id).status_code in (302, 303)  # signed out: sign in first
    steward = as_person(make_steward())
    assert "/people/%d/edit" % person.id in steward.get("/people/%d" % person.id).text
    assert 'href="/people/%d">See %s' % (person.id, person.name) in steward.get("/people/%d/edit" % person.id).text


def test_an_organisation_page_shows_who_to_contact_there(as_person):
    charity = make_org("Hope Charity", slug="hope")
    make_user(charity, name="Ann Active", job_title="Hostel manager", work_phone="0151 496 0222", show_email=True)
    make_user(charity, name="Bob Hidden", email="bob@hope.example.org", work_phone="0151 496 0333", show_phone=False)
    make_user(charity, name="Lee Leaver", active=False)
    make_user(name="Other Person")
    page = as_person(make_user()).get("/orgs/hope").text
    contacts = page.split('id="people-title"')[1].split("</section>")[0]
    assert "Ann Active" in contacts and "Hostel manager" in contacts and "0151 496 0222" in contacts
    assert "Bob Hidden" in contacts and "0151 496 0333" not in contacts and "bob@hope.example.org" not in contacts
    assert "Lee Leaver" not in contacts and "Other Person" not in contacts
    assert contacts.index("Ann Active") < contacts.index("Bob Hidden")
    fragment = as_person(make_user()).get("/orgs/hope?part=people", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<section id="people"') and "Ann Active" in fragment.text


def test_who_to_contact_is_paged(app, as_person):
    charity = make_org("Big Charity", slug="big")
    size = app.config["PAGE_SIZE"]
    for number in range(size + 2):
        make_user(charity, name="Person %03d" % number)
    client = as_person(make_user())
    first = client.get("/orgs/big").text.split('id="people-title"')[1].split("</section>")[0]
    assert "Person %03d" % (size - 1) in first and "Person %03d" % size not in first and "?people=2" in first
    second = client.get("/orgs/big?people=2").text.split('id="people-title"')[1].split("</section>")[0]
    assert "Person %03d" % (size + 1) in second


def test_a_persons_page_costs_the_same_few_queries_whatever_the_numbers(as_person):
    charity = make_org("Hope Charity")
    person = make_user(charity, work_phone="0151 496 0123", show_email=True)
    client = as_person(make_user())
    client.get("/people/%d" % person.id)
    with count_queries() as few:
        assert client.get("/people/%d" % person.id).status_code == 200
    for number in range(30):
        make_thread(make_user(charity), title="Thread %d" % number)
    with count_queries() as many:
        client.get("/people/%d" % person.id)
    assert len(few.get_queries()) == len(many.get_queries()) <= 6


def test_a_post_authors_name_links_to_their_page_without_more_queries(as_person):
    author = make_user(name="Ann Author")
    thread = make_thread(author, title="News")
    client = as_person(make_user())
    client.get("/threads/%d" % thread.id)
    with count_queries() as one:
        page = client.get("/threads/%d" % thread.id).text
    assert page.count('<a href="/people/%d">Ann Author</a>' % author.id) == 2  # the thread's author and the post's
    for number in range(4):
        tracking.reply(thread, make_user(name="Replier %d" % number), "Reply %d" % number)
    client.get("/threads/%d" % thread.id)
    with count_queries() as five:
        page = client.get("/threads/%d" % thread.id).text
    assert all('">Replier %d</a>' % number in page for number in range(4))
    assert len(five.get_queries()) == len(one.get_queries())


def test_a_shown_work_phone_is_never_taken_for_a_clients_but_a_hidden_one_is(as_person):
    author = make_user(work_phone="0151 496 0123")
    thread = make_thread(author)
    client = as_person(author)
    body = "Ring me on 0151 496 0123 or 01514960123 about the beds"
    assert client.post("/check-text", data={"body": body}).text.strip() == ""
    assert client.post("/threads/%d/reply" % thread.id, data={"body": body}).status_code == 303
    User.update(show_phone=False).where(User.id == author.id).execute()
    assert client.post("/threads/%d/reply" % thread.id, data={"body": body}).status_code == 422
    assert "01514960123" in guard.Known.of(people=[("Ann", "ann@example.org", "0151 496 0123")]).phones


def test_the_export_and_anonymising_cover_contact_details(as_person):
    person = make_user(name="Sue Subject", email="sue@example.org")
    response = as_person(person).post("/account/contact", data={**SHOWN, "contact-show_email": "y"})
    assert response.status_code == 303, response.text
    steward = as_person(make_steward())
    archive = zipfile.ZipFile(io.BytesIO(steward.get("/people/%d/export" % person.id).data))
    profile = json.loads(archive.read("profile.json"))
    assert (profile["job_title"], profile["work_phone"], profile["show_email"]) == (
        "Outreach team leader",
        "0151 496 0123",
        True,
    )
    warning = steward.get("/people/%d/anonymise" % person.id).text
    assert "Their name and e-mail address (sue@example.org), job title and work phone are removed" in warning
    assert steward.post("/people/%d/anonymise" % person.id, data={"confirmed": "yes"}).status_code == 303
    gone = User.get_by_id(person.id)
    assert (gone.job_title, gone.work_phone, gone.show_email) == ("", "", False)
    event = Event.get(Event.action == "contact_details_changed")
    assert "0151 496 0123" not in json.dumps(event.data)


def test_the_demo_people_have_contact_details_in_the_drama_range(as_person):
    demo.seed()
    people = list(User.select())
    assert all(p.job_title for p in people)
    phones = [p.work_phone for p in people if p.work_phone]
    assert len(phones) >= 8 and all(phone.startswith("0151 496 0") for phone in phones)
    steward = User.get(User.email == demo.STEWARD)
    page = as_person(make_user()).get("/people/%d" % steward.id).text
    assert steward.work_phone in page and demo.STEWARD in page
