"""What a day of real use found (issue 19), through the HTTP client: error summaries that lead to a control, the
board's actions."""

import re
from datetime import timedelta

import pytest

from portal import clock

from .builders import make_org, make_request, make_steward, make_user

HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize(
    ("change", "message", "first_box"),
    [
        ({"addressed_to": []}, "Choose at least one organisation to address this need to", "addressed_to-0"),
        ({"kind": "rumour"}, "Choose update, need or question", "kind-0"),
    ],
)
def test_an_error_about_a_list_of_boxes_links_to_its_first_box(as_person, change, message, first_box):
    council = make_org("Council", kind="local_authority")
    data = {"kind": "need", "title": "Beds", "body": "Any?", "addressed_to": [council.id], "visibility": "all"}
    response = as_person(make_user(make_org("Charity"))).post("/threads/new", data={**data, **change})
    assert response.status_code == 422
    assert '<a href="#%s">%s</a>' % (first_box, message) in response.text
    assert re.search(r'<input[^>]*id="%s"' % first_box, response.text)


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "page"])
def test_other_without_a_note_on_the_board_puts_focus_on_the_note(as_person, headers):
    thread = make_request(make_user(), [make_org()], title="Beds tonight")
    data = {"action": "close", "reason": "other", "note": "", "view": "row", "next": "/board"}
    response = as_person(make_steward()).post("/threads/%d/status" % thread.id, data=data, headers=headers)
    assert response.status_code == 422
    note = "close-note-%d" % thread.id
    assert re.search(
        r'<input [^>]*id="%s"[^>]* aria-invalid="true" aria-describedby="%s-error" autofocus data-focus>'
        % (note, note),
        response.text,
    )
    assert (
        '<p class="field-error" id="%s-error"><span class="visually-hidden">Error:</span> Say why' % note
        in response.text
    )
    assert response.text.count("autofocus") == 1


def test_resolving_from_the_board_leaves_a_focusable_note_where_the_row_was(as_person):
    thread = make_request(make_user(), [make_org()], title="Beds tonight")
    data = {"action": "resolve", "view": "row", "next": "/board"}
    response = as_person(make_steward()).post("/threads/%d/status" % thread.id, data=data, headers=HTMX)
    gone = (
        '<li id="request-%d" class="board-row board-row--gone" data-focus><p>“<a href="/threads/%d">Beds tonight</a>”'
    )
    assert gone % (thread.id, thread.id) in response.text and "” is resolved now." in response.text


def test_an_action_from_the_board_brings_the_quick_filters_counts_afresh(as_person):
    council = make_org()
    thread = make_request(make_user(), [council], title="Beds tonight")
    make_request(make_user(), [council], title="Another")
    steward = as_person(make_steward())
    assert re.search(r"Every open request <span class=\"count\">2</span>", steward.get("/board").text)
    data = {"action": "resolve", "view": "row", "next": "/board?show=nobody"}
    response = steward.post("/threads/%d/status" % thread.id, data=data, headers=HTMX)
    assert '<ul id="quick-filters" class="quick-filters" aria-label="Quick filters" hx-swap-oob="true">' in (
        response.text
    )
    assert re.search(r"Every open request <span class=\"count\">1</span>", response.text)
    assert re.search(r'aria-current="true">Nobody addressed has replied <span class="count">1</span>', response.text)


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


@pytest.mark.parametrize(
    ("path", "said", "back"),
    [
        ("/threads?page=7", "There are no more threads on page 7. Go to the first page.", "/threads?page=1"),
        ("/board?page=7", "There are no more requests on page 7. Go to the first page.", "/board?page=1"),
        ("/?own=7", "There are no more requests on page 7. Go to the first page.", "/?own=1"),
        ("/?updates=7", "There are no more updates on page 7. Go to the first page.", "/?updates=1"),
        (
            "/search?q=beds&page=7",
            "There are no more results on page 7. Go to the last page (1).",
            "/search?q=beds&page=1",
        ),
    ],
)
def test_past_the_last_page_a_list_says_there_are_no_more_and_links_back(as_person, path, said, back):
    steward = make_steward()
    make_request(make_user(steward.organisation), [make_org()], title="Beds tonight")
    response = as_person(steward).get(path)
    assert response.status_code == 200
    assert said in text_of(response.text)
    assert 'href="%s"' % back.replace("&", "&amp;") in response.text
    assert "match these filters" not in response.text


@pytest.mark.parametrize("path", ["/threads", "/board"])
def test_a_filtered_list_updates_its_status_region_out_of_band(as_person, path):
    steward = as_person(make_steward())
    page = steward.get(path + "?kind=question").text
    assert '<p id="results-status" class="result-count" role="status">' in page
    fragment = steward.get(path + "?kind=question", headers=HTMX).text
    assert '<p id="results-status" hx-swap-oob="innerHTML">' in fragment
    assert 'role="status"' not in fragment  # the region itself is never swapped out
    assert "match these filters." in text_of(fragment)


def test_the_board_marks_a_wait_longer_than_a_week_in_words(as_person):
    charity, slow, quick = make_org("Charity"), make_org("Slow Council"), make_org("Quick Council")
    with clock.fixed_at(clock.now() - timedelta(days=9)):
        make_request(make_user(charity), [slow], title="Old")
    with clock.fixed_at(clock.now() - timedelta(days=3)):
        make_request(make_user(charity), [quick], title="New")
    board = text_of(as_person(make_steward()).get("/board").text)
    assert "Slow Council: 9 days longer than a week" in board
    assert "Quick Council: 3 days Owner" in board and board.count("longer than") == 1


def test_the_board_marks_old_waits_by_the_setting(app, as_person):
    with clock.fixed_at(clock.now() - timedelta(days=4)):
        make_request(make_user(), [make_org("Council")], title="Old")
    app.config["OLD_WAIT_DAYS"] = 3
    try:
        assert "Council: 4 days longer than 3 days" in text_of(as_person(make_steward()).get("/board").text)
    finally:
        app.config["OLD_WAIT_DAYS"] = 7


def test_the_stewards_home_names_every_organisation_waited_on(as_person):
    charity = make_user(make_org("Charity"))
    councils = [make_org("Council %d" % number) for number in range(1, 8)]
    for number, council in enumerate(councils):
        for _ in range(8 - number):  # Council 1 is waited on most
            make_request(charity, [council])
    home = text_of(as_person(make_steward()).get("/").text)
    shown = "Council 1: 8 requests Council 2: 7 requests Council 3: 6 requests Council 4: 5 requests"
    assert shown + " Council 5: 4 requests and 2 more Council 6: 3 requests Council 7: 2 requests" in home


def test_the_quick_filter_for_old_waits_follows_the_setting(app, as_person, monkeypatch):
    monkeypatch.setitem(app.config, "OLD_WAIT_DAYS", 30)
    council = make_org(kind="local_authority")
    with clock.fixed_at(clock.now() - timedelta(days=10)):
        make_request(make_user(make_org()), [council], title="Ten days")
    with clock.fixed_at(clock.now() - timedelta(days=40)):
        make_request(make_user(make_org()), [council], title="Forty days")
    steward = as_person(make_steward())
    board = steward.get("/board?show=stale").text
    assert "Nobody has replied for more than 30 days" in board
    assert ">Forty days</a>" in board and ">Ten days</a>" not in board
    assert "with no reply for more than 30 days" in steward.get("/").text
