"""Starting threads, reading, replying (plain and htmx), editing, and the threads list."""

import re
from datetime import datetime

import pytest
from playhouse.test_utils import count_queries

from portal import clock, display, moderation, tracking
from portal.models import (
    Barrier,
    BarrierThread,
    Event,
    Post,
    PostRevision,
    Theme,
    Thread,
    ThreadAddressee,
    ThreadTheme,
)

from .builders import make_org, make_request, make_steward, make_thread, make_user

HTMX = {"HX-Request": "true"}


@pytest.fixture
def charity():
    return make_org("Hope Street Charity")


@pytest.fixture
def council():
    return make_org("Riverside Council", kind="local_authority")


def test_member_posts_a_need_addressed_to_a_council(as_person, charity, council):
    author = make_user(charity)
    response = as_person(author).post(
        "/threads/new",
        data={
            "kind": "need",
            "title": "A sit-up bed tonight",
            "body": "**Urgent**: a man in his 40s.",
            "addressed_to": [council.id],
            "visibility": "all",
        },
    )
    assert response.status_code == 303
    thread = Thread.get()
    assert response.headers["Location"] == "/threads/%d" % thread.id
    assert (thread.kind, thread.status, thread.organisation_id, thread.author_id) == (
        "need",
        "open",
        charity.id,
        author.id,
    )
    assert [a.organisation_id for a in thread.addressees] == [council.id]
    assert Post.get().body_html == "<p><strong>Urgent</strong>: a man in his 40s.</p>\n"
    assert Event.get().action == "thread_started"


def test_an_update_is_not_tracked_and_ignores_addressees(as_person, charity, council):
    client = as_person(make_user(charity))
    client.post(
        "/threads/new",
        data={
            "kind": "update",
            "title": "Busy week",
            "body": "Cold snap.",
            "addressed_to": [council.id],
            "visibility": "all",
        },
    )
    thread = Thread.get()
    assert thread.status is None
    assert thread.addressees == []


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": ""}, "Give it a title"),
        ({"title": "x" * 201}, "Keep the title under 200 characters"),
        ({"body": "   "}, "Write a message"),
        ({"body": "x" * 20001}, "Keep the message under 20000 characters"),
        ({"addressed_to": []}, "Choose at least one organisation to address this need to"),
        ({"addressed_to": ["999999"]}, "Choose from the organisations listed"),
        ({"addressed_to": ["not-a-number"]}, "Choose from the organisations listed"),
        ({"kind": "rumour"}, "Choose update, need or question"),
        ({"visibility": "everyone"}, "Choose who can see it"),
    ],
)
def test_bad_thread_input_is_refused_with_a_message_and_keeps_what_was_typed(
    as_person, charity, council, change, message
):
    data = {
        "kind": "need",
        "title": "Kept title",
        "body": "Kept body text",
        "addressed_to": [council.id],
        "visibility": "all",
    }
    data.update(change)
    response = as_person(make_user(charity)).post("/threads/new", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert "There is a problem" in response.text
    for kept in ("Kept title", "Kept body text"):
        if kept in data.values():
            assert kept in response.text
    assert Thread.select().count() == 0


def test_markdown_is_sanitised_and_links_get_rel(as_person, charity):
    client = as_person(make_user(charity))
    client.post(
        "/threads/new",
        data={
            "kind": "update",
            "title": "Links",
            "visibility": "all",
            "body": "<script>alert(1)</script> [ok](https://example.org) [bad](javascript:alert(1)) "
            "<img src=x onerror=alert(1)>",
        },
    )
    html = Post.get().body_html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert '<a href="https://example.org" rel="nofollow noopener">ok</a>' in html


def test_thread_page_shows_posts_authors_times_addressees_and_status(as_person, charity, council):
    author = make_user(charity, name="Ann Author")
    thread = make_request(author, [council], title="Where do we refer?")
    page = as_person(author).get("/threads/%d" % thread.id).text
    assert "Where do we refer?" in page
    assert "Ann Author" in page and "Hope Street Charity" in page
    assert "Riverside Council: not replied yet" in page
    assert '<strong class="tag tag--open">Open</strong>' in page
    assert re.search(r'<time datetime="[0-9T:-]+Z" title="[^"]+">just now</time>', page)


def test_moments_show_the_london_time_in_english():
    assert display.exact_moment(datetime(2026, 1, 5, 9, 5)) == "5 January 2026 at 09:05"
    summer = datetime(2026, 7, 15, 23, 30)  # UTC; British Summer Time makes it the next day in London
    with clock.fixed_at(datetime(2026, 7, 18, 12, 0)):
        shown = str(display.time_ago(summer))
    assert shown == '<time datetime="2026-07-15T23:30:00Z" title="16 July 2026 at 00:30">2 days ago</time>'


def test_unknown_thread_is_404(as_person, charity):
    assert as_person(make_user(charity)).get("/threads/424242").status_code == 404


def test_reply_without_javascript_redirects_to_the_new_post(as_person, charity, council):
    thread = make_thread(make_user(charity))
    client = as_person(make_user(council))
    response = client.post("/threads/%d/reply" % thread.id, data={"body": "We can help."})
    post = Post.select().order_by(Post.id.desc()).get()
    assert response.status_code == 303
    assert response.headers["Location"] == "/threads/%d#post-%d" % (thread.id, post.id)
    assert Thread.get_by_id(thread.id).post_count == 2


def test_reply_with_htmx_returns_the_new_post_and_a_fresh_form(as_person, charity, council):
    thread = make_request(make_user(charity), [council])
    response = as_person(make_user(council)).post(
        "/threads/%d/reply" % thread.id, data={"body": "On it."}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert 'id="reply-form"' in html and "On it.</textarea>" not in html
    assert 'hx-swap-oob="beforeend:#timeline"' in html and "<p>On it.</p>" in html
    assert 'id="thread-header" class="thread-header" hx-swap-oob="true"' in html
    assert "Answered" in html


def test_empty_reply_keeps_the_form_with_an_error(as_person, charity):
    thread = make_thread(make_user(charity))
    client = as_person(make_user(charity))
    full = client.post("/threads/%d/reply" % thread.id, data={"body": ""})
    assert full.status_code == 422 and "<html" in full.text and "Write a message" in full.text
    fragment = client.post("/threads/%d/reply" % thread.id, data={"body": " "}, headers=HTMX)
    assert fragment.status_code == 422 and "<html" not in fragment.text and "Write a message" in fragment.text
    assert Post.select().count() == 1


def test_reply_to_a_locked_thread_is_refused(as_person, charity):
    thread = make_thread(make_user(charity))
    Thread.update(locked=True).execute()
    response = as_person(make_user(charity)).post("/threads/%d/reply" % thread.id, data={"body": "Hello"})
    assert response.status_code == 403
    assert Post.select().count() == 1


def test_edit_keeps_a_revision_and_shows_edited(as_person, charity):
    author = make_user(charity)
    thread = make_thread(author, body="First text")
    post = Post.get()
    client = as_person(author)
    assert "First text" in client.get("/posts/%d/edit" % post.id).text
    response = client.post("/posts/%d/edit" % post.id, data={"body": "Second text"})
    assert response.status_code == 303
    assert PostRevision.get().body == "First text"
    page = client.get("/threads/%d" % thread.id).text
    assert "Second text" in page and "edited" in page
    assert "/posts/%d/history" % post.id in client.get("/posts/%d/edit" % post.id).text  # where it is kept


def test_someone_else_cannot_edit_a_post(as_person, charity):
    make_thread(make_user(charity))
    post = Post.get()
    client = as_person(make_user(charity))
    assert client.get("/posts/%d/edit" % post.id).status_code == 403
    assert client.post("/posts/%d/edit" % post.id, data={"body": "Mine now"}).status_code == 403
    assert client.get("/posts/999999/edit").status_code == 404


def test_long_thread_shows_pages_and_show_more_fragment(as_person, charity):
    author = make_user(charity)
    thread = make_thread(author, body="Post number 0")
    client = as_person(author)
    for number in range(1, 12):
        client.post("/threads/%d/reply" % thread.id, data={"body": "Post number %d" % number})
    first = client.get("/threads/%d" % thread.id).text
    assert "Post number 4" in first and "Post number 5" not in first
    assert 'href="/threads/%d?page=2"' % thread.id in first
    more = client.get("/threads/%d?page=2" % thread.id, headers=HTMX)
    assert "<html" not in more.text
    assert "Post number 5" in more.text and "Post number 9" in more.text and "Post number 4" not in more.text
    assert 'hx-get="/threads/%d?page=3"' % thread.id in more.text
    full = client.get("/threads/%d?page=3" % thread.id)
    assert "<html" in full.text and "Post number 10" in full.text and "Show earlier posts" in full.text
    assert client.get("/threads/%d?page=9" % thread.id).status_code == 404
    response = client.post("/threads/%d/reply" % thread.id, data={"body": "The last word"})
    assert response.headers["Location"].startswith("/threads/%d?page=3#post-" % thread.id)


def test_threads_list_filters_and_fragment(as_person, charity, council):
    author = make_user(charity)
    make_thread(author, title="An update")
    make_request(author, [council], title="A need")
    make_request(author, [council], kind="question", title="A question")
    client = as_person(make_user(council))
    page = client.get("/threads?kind=need").text
    assert "<html" in page and "A need" in page and "An update" not in page and "A question" not in page
    fragment = client.get("/threads?kind=question&org=%s" % charity.slug, headers=HTMX).text
    assert "<html" not in fragment and 'id="results"' in fragment and "A question" in fragment
    assert "A need" not in client.get("/threads?status=resolved").text
    assert "An update" in client.get("/threads?kind=nonsense&page=abc").text


def test_threads_list_pages(as_person, charity):
    author = make_user(charity)
    for number in range(7):
        make_thread(author, title="Thread %d" % number)
    client = as_person(author)
    first = client.get("/threads").text
    assert "Thread 6" in first and "Thread 1" not in first and "Next page" in first
    second = client.get("/threads?page=2").text
    assert "Thread 1" in second and "Thread 0" in second and "Previous page" in second


def test_first_reply_from_an_addressee_is_recorded(as_person, charity, council):
    thread = make_request(make_user(charity), [council])
    as_person(make_user(council)).post("/threads/%d/reply" % thread.id, data={"body": "Yes."})
    assert ThreadAddressee.get().replied_at is not None


def statements_for(client, path):
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200
    return response, [record.msg[0].lstrip(" (").split()[0].upper() for record in counted.get_queries()]


def test_the_thread_page_costs_six_queries_and_writes_only_when_there_is_news(as_person, charity, council):
    """Themes, barriers, the watch level, unread notices and links come in the thread's own queries, so the page
    costs the same for a member and the steward, and reading it again with nothing new writes nothing."""
    officer, steward = make_user(council), make_steward()
    thread = make_request(make_user(charity), [council], title="Crash pad")
    for number in range(3):
        tracking.reply(thread, officer, "Reply %d" % number)
    retired = Theme.create(name="Retired theme", slug="retired", active=False)
    ThreadTheme.create(thread=thread, theme=retired)
    Theme.create(name="Housing", slug="housing")
    barrier = Barrier.create(title="No crash pads", status="raised")
    BarrierThread.create(barrier=barrier, thread=thread)
    Barrier.create(title="Another barrier")
    path = "/threads/%d" % thread.id
    for person in (make_user(charity), steward):
        client = as_person(person)
        first, statements = statements_for(client, path)
        assert "INSERT" in statements  # the first visit marks the thread read
        again, statements = statements_for(client, path)
        assert len(statements) <= 6 and statements == ["SELECT"] * len(statements)
        assert "Retired theme" in again.text and "No crash pads" in again.text
    page = as_person(steward).get(path).text
    assert 'value="%d"' % retired.id in page and "Another barrier" in page  # the steward's choices

    tracking.reply(thread, officer, "News")
    client = as_person(steward)
    news, statements = statements_for(client, path)
    assert "INSERT" in statements and "Jump to the first unread post" in news.text
    assert "UPDATE" not in statements_for(client, path)[1]

    other = make_thread(officer, title="Night shelter")
    moderation.link(thread, other, steward)
    linked, statements = statements_for(client, path)
    assert "Related threads" in linked.text and "Unlink “Night shelter”" in linked.text
    # One more for the links (asked for once, though shown twice), one for the "linked" event's other thread, and
    # the rules a reply may cite, read again after an event (lists.services.citable)
    assert len(statements) == 9
