"""Retention, subject access and anonymising someone who has left."""

import io
import json
import zipfile
from datetime import timedelta

from portal import clock, tracking
from portal.models import Event, InboundMessage, Post, Thread, User

from .builders import make_org, make_request, make_steward, make_thread, make_user


def test_retention_lists_then_removes_what_is_past_its_time(app, as_person):
    author, council = make_user(make_org()), make_org()
    long_ago = clock.now() - timedelta(days=800)
    with clock.fixed_at(long_ago):
        old_request = make_request(author, [council], title="Old request")
        tracking.reply(old_request, author, "Old reply")
        tracking.resolve(old_request, author)
        make_thread(author, title="Old update")
        still_open = make_request(author, [council], title="Old but open")
    with clock.fixed_at(clock.now() - timedelta(days=340)):
        make_thread(author, title="Update due next month")
    recent = make_thread(author, title="Recent update")
    InboundMessage.create(user=author, message_id="<old@example.org>", received=long_ago)
    InboundMessage.create(user=author, message_id="<new@example.org>")
    cli = app.test_cli_runner()
    dry = cli.invoke(args=["retention", "apply"])
    assert "would remove #%d request" % old_request.id not in dry.output
    assert "would remove #%d need: Old request" % old_request.id in dry.output
    assert "Old update" in dry.output and "Old but open" not in dry.output and "Recent" not in dry.output
    assert Thread.select().count() == 5
    next_month = as_person(make_steward()).get("/retention").text
    assert "Update due next month" in next_month and "Old request" in next_month and "Recent update" not in next_month
    assert cli.invoke(args=["retention", "apply", "--confirm"]).exit_code == 0
    assert {t.title for t in Thread.select()} == {"Old but open", "Update due next month", "Recent update"}
    assert not Post.select().where(Post.thread == old_request.id).exists()
    kept = [e for e in Event.select() if e.data.get("removed")]
    assert kept and all(set(e.data) <= {"thread", "post", "removed", "before", "after"} for e in kept)
    assert all(e.thread_id is None and "title" not in e.data for e in kept)
    assert still_open.id and recent.id
    assert [m.message_id for m in InboundMessage.select()] == ["<new@example.org>"]


def test_subject_access_export_holds_everything_about_the_person(as_person):
    person = make_user(make_org(), name="Sue Subject")
    thread = make_thread(person, title="Sue's update", body="Sue wrote this")
    tracking.edit_post(Post.get(Post.thread == thread.id), person, "Sue rewrote this")
    response = as_person(make_steward()).get("/people/%d/export" % person.id)
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) >= {
        "profile.json",
        "posts.json",
        "revisions.json",
        "events.json",
        "notifications.json",
        "index.html",
    }
    profile = json.loads(archive.read("profile.json"))
    assert profile["name"] == "Sue Subject" and profile["password_hash"] == "(not exported)"
    assert json.loads(archive.read("posts.json"))[0]["body"] == "Sue rewrote this"
    assert json.loads(archive.read("revisions.json"))[0]["body"] == "Sue wrote this"
    assert "Sue Subject" in archive.read("index.html").decode()
    assert as_person(make_user()).get("/people/%d/export" % person.id).status_code == 403


def test_anonymising_someone_who_left_keeps_their_posts(as_person):
    organisation = make_org("Hope Charity")
    person = make_user(organisation, name="Lee Leaver", email="lee@example.org")
    thread = make_thread(person, title="Lee's update")
    steward = as_person(make_steward())
    assert steward.post("/people/%d/anonymise" % person.id, data={"confirmed": "yes"}).status_code == 303
    gone = User.get_by_id(person.id)
    assert gone.name == "Former member of Hope Charity" and "lee" not in gone.email and not gone.active
    page = steward.get("/threads/%d" % thread.id).text
    assert "Former member of Hope Charity" in page and "Lee Leaver" not in page
