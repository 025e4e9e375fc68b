"""Organisations' contact details: the steward keeps them, everyone sees them, and the personal-data guard takes
them for the partnership's own."""

import pytest

from portal.models import Event, Organisation

from .builders import make_org, make_steward, make_thread, make_user

CONTACTS = {"phone": "01744 676789, 01744 676 600", "email": "HousingOptions@sthelens.gov.uk"}


def test_the_steward_keeps_an_organisations_contacts_and_everyone_sees_them(as_person):
    organisation = make_org("St Helens Borough Council", slug="st-helens", kind="local_authority")
    steward = as_person(make_steward())
    form = steward.get("/orgs/st-helens/edit").text
    assert "Phone numbers" in form and "Team email address" in form
    data = {"name": organisation.name, "slug": "st-helens", "kind": "local_authority", "active": "y", **CONTACTS}
    assert steward.post("/orgs/st-helens/edit", data=data).status_code == 303
    saved = Organisation.get_by_id(organisation.id)
    assert (saved.phone, saved.email) == ("01744 676789, 01744 676 600", "housingoptions@sthelens.gov.uk")
    assert Event.get(Event.action == "organisation_edited").data["after"]["phone"] == saved.phone
    page = as_person(make_user()).get("/orgs/st-helens").text
    assert "01744 676789, 01744 676 600" in page and 'href="mailto:housingoptions@sthelens.gov.uk"' in page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("phone", "ring Gareth", "Use only digits, spaces, brackets, + and -, with commas between numbers"),
        ("phone", "0151 233", "Enter each number in full, like 0151 233 3000, with commas between numbers"),
        ("phone", "0151 233 3000 0151 233 3001", "Enter each number in full"),
        ("phone", "1" * 201, "Keep the phone numbers under 200 characters"),
        ("email", "housing at sthelens", "Enter an email address like housing@example.gov.uk"),
        ("email", "a@" + "b." * 200, "Enter an email address like housing@example.gov.uk"),
    ],
)
def test_contacts_that_are_not_phone_numbers_or_an_address_are_refused(as_person, field, value, message):
    make_org("Sefton Council", slug="sefton")
    steward = as_person(make_steward())
    data = {"name": "Sefton Council", "slug": "sefton", "kind": "local_authority", field: value}
    response = steward.post("/orgs/sefton/edit", data=data)
    assert response.status_code == 422 and message in response.text and value[:40] in response.text


def test_a_number_or_inbox_entered_for_an_organisation_is_never_flagged(as_person):
    author = make_user(make_org(**CONTACTS))
    thread = make_thread(author)
    client = as_person(author)
    body = "Ring the switchboard on 01744 676789 or the team on 01744676600, or write to housingoptions@sthelens.gov.uk"
    assert client.post("/check-text", data={"body": body}).text.strip() == ""
    assert client.post("/threads/%d/reply" % thread.id, data={"body": body}).status_code == 303
    held = client.post("/threads/%d/reply" % thread.id, data={"body": "His mobile is 07700 900123"})
    assert held.status_code == 422
