"""Retention, subject access and anonymising someone who has left."""

import io
import json
import zipfile
from datetime import timedelta

from portal import accounts, clock, tracking
from portal.models import Event, InboundMessage, Outbox, Post, Thread, User
from portal.text import slugify

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


def test_anonymising_removes_their_names_and_addresses_from_the_audit_log_and_the_outbox(as_person):
    organisation, council = make_org("Hope Charity"), make_org("Riverside Council", kind="local_authority")
    steward_person = make_steward(name="Sam Steward")
    colleague = make_user(organisation, name="Ana Okafor")
    form = {"name": "Lee Leaver", "email": "lee@example.org", "organisation": organisation.id, "role": "member"}
    person = accounts.save_person(form, steward_person)
    accounts.save_person({**form, "name": "Lee Léaver-Jones", "email": "lee.lj@example.org"}, steward_person, person)
    person = User.get_by_id(person.id)
    accounts.send_password_link(person, steward_person, 72)
    thread = make_request(colleague, [council], title="Beds for Lee Leaver's client?")
    tracking.set_owner(thread, steward_person, person)
    handle = "@" + slugify("Lee Léaver-Jones")  # as the mention autocomplete writes it
    tracking.add_note(thread, steward_person, "Ask %s or lee.lj@example.org; LEE LÉAVER-JONES knows." % handle)
    tracking.reply(thread, person, "We have one bed.")  # tells Ana, by e-mail, that Lee replied
    told_ana = Outbox.select().where(Outbox.to_address == colleague.email)
    Outbox.update(sent_at=clock.now()).where(Outbox.id.in_(told_ana)).execute()
    tracking.reply(thread, person, "And breakfast.")
    _, waiting_for_ana = [message.id for message in told_ana.order_by(Outbox.id)]
    assert "Lee Léaver-Jones replied" in Outbox.get_by_id(waiting_for_ana).text
    events = [event.id for event in Event.select().order_by(Event.id)]

    response = as_person(steward_person).post("/people/%d/anonymise" % person.id, data={"confirmed": "yes"})
    assert response.status_code == 303, response.text

    said = ["lee leaver", "lee@example.org", "lee léaver-jones", "lee.lj@example.org", handle, "/set-"]
    stored = [json.dumps(event.data, ensure_ascii=False).lower() for event in Event.select()]
    stored += [json.dumps(event.data).lower() for event in Event.select()]
    stored += ["%s %s %s %s" % (m.to_address, m.subject, m.text, m.html) for m in Outbox.select()]
    assert [text for text in stored if any(word in text.lower() for word in said)] == []
    assert [event.id for event in Event.select().where(Event.id.in_(events)).order_by(Event.id)] == events
    assert "(removed: former member)" in json.dumps(Event.get(Event.action == "person_edited").data)
    # Ana's e-mail still to go is kept and says who replied without the name; the one she had is gone
    assert [message.id for message in told_ana] == [waiting_for_ana]
    assert "(removed: former member) replied" in Outbox.get_by_id(waiting_for_ana).text


def test_retention_removes_sent_mail_past_its_time_and_every_set_password_link_that_no_longer_works(app, as_person):
    moment, steward = clock.now(), make_steward()
    policy = "deleted 30 days after"
    assert policy in as_person(steward).get("/retention").text and policy in app.test_client().get("/privacy").text

    def mail(subject, **fields):
        return Outbox.create(to_address="ana@example.org", subject=subject, text="Hello", html="<p>Hello</p>", **fields)

    old = mail("Sent 31 days ago", sent_at=moment - timedelta(days=31))
    mail("Sent 29 days ago", sent_at=moment - timedelta(days=29))
    mail("Waiting since long ago", created=moment - timedelta(days=90), send_after=moment - timedelta(days=90))
    mail("Failed long ago", attempts=1, failed_at=moment - timedelta(days=90), last_error="550 No such person")
    used, live, replaced = make_user(), make_user(), make_user()
    accounts.use_password_link(
        accounts.find_password_link(accounts.send_password_link(used, steward, 72).rsplit("/", 1)[1]), "a new password!"
    )
    accounts.send_password_link(live, steward, 72)
    accounts.send_password_link(replaced, steward, 72)
    accounts.send_password_link(replaced, steward, 72)
    Outbox.update(sent_at=moment).where(Outbox.to_address.in_([used.email, live.email])).execute()
    spent = [
        m.id for m in Outbox.select().where(Outbox.to_address.in_([used.email, replaced.email])).order_by(Outbox.id)
    ]
    kept = Outbox.select(Outbox.id).where(Outbox.id.not_in([old.id] + spent[:2]))
    expected = {message.id for message in kept}
    cli = app.test_cli_runner()

    dry = cli.invoke(args=["retention", "apply"]).output
    assert "would remove 3 e-mails: 1 sent more than 30 days ago, 2 holding a set-password link" in dry
    assert Outbox.select().count() == len(expected) + 3
    assert cli.invoke(args=["retention", "apply", "--confirm"]).exit_code == 0
    assert {message.id for message in Outbox.select()} == expected
    assert {m.subject for m in Outbox.select() if m.to_address == "ana@example.org"} == {
        "Sent 29 days ago",
        "Waiting since long ago",
        "Failed long ago",
    }
    assert Outbox.select().where(Outbox.to_address == replaced.email).count() == 1  # the newer link still works
