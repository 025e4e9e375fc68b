"""Redaction: the text is gone from the post, its revisions, the search index, unsent e-mail and the file."""

from pathlib import Path

from portal import config, tracking
from portal.db import is_sqlite
from portal.models import Event, Outbox, Post, PostRevision

from .builders import make_org, make_request, make_steward, make_user

SECRET = "Zebediah Quorn"


def database_bytes():
    path = Path(config.current["DATABASE_URL"].removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def test_redacting_a_span_removes_it_everywhere(as_person):
    charity, council = make_org(), make_org()
    author = make_user(charity)
    make_user(council)  # gets an e-mail that could carry the text
    thread = make_request(author, [council], body="First draft naming %s in full" % SECRET, title="Tonight")
    post = Post.get()
    tracking.edit_post(post, author, "Second draft: %s again, and a bed" % SECRET)
    Outbox.create(to_address="x@example.org", subject="s", text="about %s" % SECRET, html="<p>%s</p>" % SECRET)
    steward = as_person(make_steward(name="Sam Steward"))
    assert "<mark>Zebediah</mark>" in steward.get("/search?q=Zebediah").text
    response = steward.post(
        "/posts/%d/redact" % post.id, data={"span": SECRET, "reason": "a client name", "confirmed": "yes"}
    )
    assert response.status_code == 303
    placeholder = "[redacted by the steward: a client name]"
    assert Post.get_by_id(post.id).body == "Second draft: %s again, and a bed" % placeholder
    assert all(SECRET not in r.body for r in PostRevision.select())
    assert all(SECRET not in m.text and SECRET not in m.html for m in Outbox.select())
    assert "<mark>Zebediah</mark>" not in steward.get("/search?q=Zebediah").text
    event = Event.get(Event.action == "post_redacted")
    assert event.data == {"post": post.id, "reason": "a client name", "whole": False}
    page = as_person(author).get("/threads/%d" % thread.id).text
    assert placeholder in page and "Sam Steward redacted part of a post" in page
    if is_sqlite():
        assert SECRET.encode() not in database_bytes()


def test_redacting_a_whole_post_and_bad_requests(as_person):
    author = make_user()
    thread = make_request(author, [make_org()], body="All about %s" % SECRET)
    reply = tracking.reply(thread, author, "Nothing to see")
    steward = as_person(make_steward())
    missing = steward.post("/posts/%d/redact" % reply.id, data={"span": SECRET, "reason": "name"})
    assert "That text is not in the post" in missing.text
    no_reason = steward.post("/posts/%d/redact" % reply.id, data={"reason": ""})
    assert "Give the reason for the redaction" in no_reason.text
    post = Post.get(Post.thread == thread.id, Post.id != reply.id)
    steward.post("/posts/%d/redact" % post.id, data={"reason": "posted by mistake", "confirmed": "yes"})
    assert Post.get_by_id(post.id).body == "[redacted by the steward: posted by mistake]"
    assert (
        as_person(author).post("/posts/%d/redact" % post.id, data={"reason": "x", "confirmed": "yes"}).status_code
        == 403
    )
