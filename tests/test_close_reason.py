""" "Close because" has no reason chosen until the steward chooses one; without one the request stays open and the
close form says so next to the field, on the thread and on the board, with JavaScript and without."""

import re

import pytest

from portal.models import Event, Thread

from .builders import make_org, make_request, make_steward, make_user

HTMX = {"HX-Request": "true"}


@pytest.fixture
def open_request():
    return make_request(make_user(), [make_org()], title="Beds tonight")


def chosen_reason(html):
    """The close form's reason options that are marked selected."""
    select = re.search(r'<select class="input" id="reason[^"]*" name="reason".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def assert_asked_next_to_the_field(html, field_id):
    assert (
        "There is a problem" in html and '<a href="#%s">Choose why you are closing the request</a>' % field_id in html
    )
    assert 'id="%s" name="reason" aria-invalid="true" aria-describedby="%s-error"' % (field_id, field_id) in html
    assert '<p class="field-error" id="%s-error">' % field_id in html


def test_no_reason_is_chosen_before_the_steward_chooses(as_person, open_request):
    steward = as_person(make_steward())
    page = steward.get("/threads/%d" % open_request.id).text
    assert '<option value="">Choose a reason</option>' in page and chosen_reason(page) == []
    tools = steward.get("/board/requests/%d/tools" % open_request.id).text
    assert '<option value="">Choose a reason</option>' in tools and chosen_reason(tools) == []


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["without JavaScript", "with htmx"])
def test_closing_without_a_reason_on_the_thread_says_so_next_to_the_field(as_person, open_request, headers):
    steward = as_person(make_steward())
    response = steward.post(
        "/threads/%d/status" % open_request.id, data={"action": "close", "note": "Sorted"}, headers=headers
    )
    assert response.status_code == 422
    assert_asked_next_to_the_field(response.text, "reason")
    assert 'value="Sorted"' in response.text  # what was typed is kept
    assert ("<html" in response.text) == (not headers)
    assert Thread.get_by_id(open_request.id).status == "open"
    assert Event.select().where(Event.thread == open_request.id).count() == 1


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["without JavaScript", "with htmx"])
def test_closing_without_a_reason_on_the_board_says_so_next_to_the_field(as_person, open_request, headers):
    steward = as_person(make_steward())
    data = {"action": "close", "reason": "", "view": "row", "next": "/board"}
    response = steward.post("/threads/%d/status" % open_request.id, data=data, headers=headers)
    assert response.status_code == 422
    assert_asked_next_to_the_field(response.text, "reason-%d" % open_request.id)
    assert ("<html" in response.text) == (not headers)
    assert Thread.get_by_id(open_request.id).status == "open"


def test_other_needs_a_few_words_said_next_to_them(as_person, open_request):
    steward = as_person(make_steward())
    response = steward.post("/threads/%d/status" % open_request.id, data={"action": "close", "reason": "other"})
    assert response.status_code == 422 and "Say why you are closing the request" in response.text
    assert 'id="close-note" name="note" maxlength="500" value="" aria-invalid="true"' in response.text
    assert chosen_reason(response.text) == ["other"]
    done = steward.post(
        "/threads/%d/status" % open_request.id, data={"action": "close", "reason": "other", "note": "By phone"}
    )
    assert done.status_code == 303 and Thread.get_by_id(open_request.id).status == "closed"
