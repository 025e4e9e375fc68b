"""Live enough to work from: polls that cost one small query when nothing changed, and swap in what did."""

from datetime import timedelta

from playhouse.test_utils import count_queries

from portal import clock, tracking

from .builders import make_org, make_request, make_steward, make_thread, make_user

HTMX = {"HX-Request": "true"}


def poll_url(page, marker):
    return page.split(marker)[1].split('"')[0].replace("&amp;", "&")


def test_thread_page_shows_new_replies_and_is_quiet_otherwise(as_person):
    author = make_user()
    thread = make_thread(author, title="Live one")
    client = as_person(make_user())
    page = client.get("/threads/%d" % thread.id).text
    url = poll_url(page, 'id="live" hx-get="')
    with count_queries() as counted:
        quiet = client.get(url, headers=HTMX)
    assert quiet.status_code == 204 and counted.count == 2  # the session's person, then one look at the thread
    tracking.reply(thread, author, "Fresh news")
    fresh = client.get(url, headers=HTMX)
    assert fresh.status_code == 200
    assert 'hx-swap-oob="beforeend:#timeline"' in fresh.text and "<p>Fresh news</p>" in fresh.text
    next_url = poll_url(fresh.text, 'id="live" hx-swap-oob="true" hx-get="')
    assert client.get(next_url, headers=HTMX).status_code == 204
    assert client.get("/threads/%d/live?since=yesterday" % thread.id).status_code == 400


def test_live_poll_of_a_restricted_thread_is_404_for_outsiders(as_person):
    thread = make_request(make_user(), [make_org()], visibility="restricted")
    since = (clock.now() - timedelta(days=1)).isoformat()
    assert as_person(make_user()).get("/threads/%d/live?since=%s" % (thread.id, since)).status_code == 404


def test_lists_swap_only_the_rows_that_changed(as_person):
    author = make_user()
    first, second = make_thread(author, title="First"), make_thread(author, title="Second")
    client = as_person(make_user())
    url = poll_url(client.get("/threads").text, 'id="live-rows" hx-get="')
    assert client.get(url, headers=HTMX).status_code == 204
    tracking.reply(second, author, "Something new")
    changed = client.get(url, headers=HTMX).text
    assert 'id="thread-row-%d" hx-swap-oob="true"' % second.id in changed
    assert 'id="thread-row-%d"' % first.id not in changed
    assert "2 posts" in changed
    home = client.get("/").text
    assert 'id="live-rows" hx-get="/live/threads?' in home


def test_board_rows_refresh_and_resolved_ones_say_so(as_person):
    charity, council = make_org(), make_org(kind="local_authority")
    asker = make_user(charity)
    staying, going = make_request(asker, [council], title="Staying"), make_request(asker, [council], title="Going")
    client = as_person(make_steward())
    url = poll_url(client.get("/board").text, 'id="live-rows" hx-get="')
    assert client.get(url, headers=HTMX).status_code == 204
    tracking.reply(staying, make_user(council), "Answer")
    tracking.resolve(going, asker)
    changed = client.get(url, headers=HTMX).text
    assert 'id="request-%d" class="board-row" hx-swap-oob="true"' % staying.id in changed and "Answered" in changed
    assert "is resolved now." in changed and 'id="request-%d" class="board-row board-row--gone"' % going.id in changed


def test_polls_tell_nothing_about_restricted_threads(as_person):
    thread = make_request(make_user(), [make_org()], visibility="restricted")
    since = (thread.changed_at - timedelta(seconds=1)).isoformat()
    outsider = as_person(make_user())
    assert outsider.get("/live/threads?ids=%d&since=%s" % (thread.id, since)).status_code == 204
    assert outsider.get("/board/live?ids=%d&since=%s" % (thread.id, since)).status_code == 204


def test_steward_actions_reach_open_pages_without_reordering_lists(as_person):
    charity, council = make_org(), make_org(kind="local_authority")
    older = make_request(make_user(charity), [council], title="Older")
    make_request(make_user(charity), [council], title="Newer")
    steward = make_steward()
    client = as_person(steward)
    url = poll_url(client.get("/board").text, 'id="live-rows" hx-get="')
    thread_url = poll_url(client.get("/threads/%d" % older.id).text, 'id="live" hx-get="')
    tracking.set_owner(older, steward, steward)
    assert 'id="request-%d"' % older.id in client.get(url, headers=HTMX).text
    assert client.get(thread_url, headers=HTMX).status_code == 200
    listing = client.get("/threads").text
    assert listing.index(">Newer<") < listing.index(">Older<")
