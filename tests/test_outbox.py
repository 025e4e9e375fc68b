"""E-mail through the outbox: exactly-once delivery against a real SMTP server, retries, digests, follow-ups."""

from datetime import date, datetime, timedelta

import pytest

from portal import accounts, clock, notify, outbox, schedule, tracking
from portal.models import Notification, Outbox, Thread, User

from .builders import make_org, make_request, make_steward, make_user


def queue_mails(count):
    charity, council = make_org(), make_org(kind="local_authority")
    officers = [make_user(council) for _ in range(count)]
    make_request(make_user(charity), [council], title="Tonight")
    return officers


def ids(server):
    return [m["Message-ID"] for m in server.messages]


def test_each_notification_email_is_sent_once_with_text_and_html(mail_server):
    mail_server.start()
    officers = queue_mails(3)
    assert outbox.send_batch("worker") == 3
    assert outbox.send_batch("worker") == 0
    assert sorted(m["To"] for m in mail_server.messages) == sorted(o.email for o in officers)
    message = mail_server.messages[0]
    assert message["Subject"].endswith("is asked: Tonight")
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}
    assert Outbox.select().where(Outbox.sent_at.is_null()).count() == 0


def test_nothing_is_lost_while_the_mail_server_is_down(mail_server):
    queue_mails(4)
    assert outbox.send_batch("worker") == 0  # nobody listening
    assert all(m.attempts == 1 and m.last_error for m in Outbox.select())
    mail_server.start()
    assert outbox.send_batch("worker") == 0  # waiting for the back-off
    with clock.fixed_at(clock.now() + timedelta(minutes=1)):
        assert outbox.send_batch("worker") == 4
    assert len(set(ids(mail_server))) == len(mail_server.messages) == 4


def test_a_worker_killed_mid_batch_leaves_the_rest_to_another_once(mail_server):
    mail_server.start()
    queue_mails(5)
    claimed = outbox.claim("dies")
    assert len(claimed) == 5
    with outbox.connect() as smtp:
        for message in claimed[:2]:
            smtp.send_message(outbox.as_email(message))
            outbox.mark_sent(message, "dies")
    assert outbox.send_batch("second") == 0  # the dead worker's lease still holds
    with clock.fixed_at(clock.now() + outbox.LEASE + timedelta(seconds=1)):
        assert outbox.send_batch("second") == 3
    assert len(mail_server.messages) == 5 and len(set(ids(mail_server))) == 5


def test_two_workers_never_claim_the_same_message(mail_server):
    queue_mails(6)
    first, second = outbox.claim("a", batch=4), outbox.claim("b", batch=4)
    assert len(first) == 4 and len(second) == 2
    assert not {m.id for m in first} & {m.id for m in second}


def test_a_long_outage_loses_nothing(mail_server):
    queue_mails(1)
    moment = clock.now()
    for _ in range(20):  # more than two days of trying
        moment += timedelta(hours=7)
        with clock.fixed_at(moment):
            outbox.send_batch("worker")
    waiting = Outbox.get()
    assert waiting.failed_at is None and waiting.attempts == 20 and "refused" in waiting.last_error
    mail_server.start()
    with clock.fixed_at(moment + timedelta(hours=7)):
        assert outbox.send_batch("worker") == 1


def test_a_refused_message_is_marked_failed_and_the_steward_can_retry(as_person, mail_server):
    mail_server.start()
    charity, council = make_org(), make_org(kind="local_authority")
    make_user(council, email="bounce@council.example.org")
    make_request(make_user(charity), [council], title="Tonight")
    assert outbox.send_batch("worker") == 0
    failed = Outbox.get()
    assert failed.failed_at is not None and "No such mailbox" in failed.last_error
    client = as_person(make_steward())
    page = client.get("/outbox").text
    assert failed.subject in page and "No such mailbox" in page
    assert client.post("/outbox/%d/retry" % failed.id).status_code == 303
    assert Outbox.get_by_id(failed.id).failed_at is None
    assert as_person(make_user()).get("/outbox").status_code == 403


def test_one_bad_message_does_not_stop_the_worker(mail_server):
    mail_server.start()
    queue_mails(2)
    Outbox.create(to_address="someone@example.org\r\nBcc: all@example.org", subject="Broken", text="x", html="x")
    outbox.run(once=True, worker="survivor")
    assert len(mail_server.messages) == 2
    broken = Outbox.get(Outbox.subject == "Broken")
    assert broken.failed_at is not None and broken.sent_at is None


def test_a_title_with_line_breaks_cannot_break_an_email(as_person, mail_server):
    mail_server.start()
    charity, council = make_org(), make_org(kind="local_authority")
    make_user(council)
    as_person(make_user(charity)).post(
        "/threads/new",
        data={
            "kind": "need",
            "title": "Bed tonight\r\nBcc: everyone@example.org",
            "body": "Please",
            "confirm_personal": "y",  # the guard asks about the address in the title
            "addressed_to": [council.id],
            "visibility": "all",
        },
    )
    assert outbox.send_batch("worker") == 1
    assert mail_server.messages[0]["Subject"].endswith("is asked: Bed tonight Bcc: everyone@example.org")
    assert mail_server.messages[0]["Bcc"] is None


def test_invitation_and_password_reset_are_emailed(as_person, client, mail_server):
    mail_server.start()
    organisation = make_org()
    steward = as_person(make_steward())
    steward.post(
        "/people/new",
        data={
            "name": "Nia New",
            "email": "nia@example.org",
            "organisation": organisation.id,
            "role": "member",
            "active": "y",
        },
    )
    for email in ("nia@example.org", "nobody@example.org"):
        response = client.post("/forgot-password", data={"email": email}, follow_redirects=True)
        assert "If %s belongs to an account, we have sent it a link" % email in response.text
    accounts.send_requested_resets(2)  # the worker makes the link, so the page's answer tells nothing
    outbox.send_batch("worker")
    subjects = [(m["To"], m["Subject"]) for m in mail_server.messages]
    assert subjects == [
        ("nia@example.org", "Set your password for the partner portal"),
        ("nia@example.org", "Reset your password"),
    ]
    link = mail_server.messages[1].get_body(("plain",)).get_content().split("http://portal.test")[1].split()[0]
    assert client.get(link).status_code == 200
    invitation_link = (
        mail_server.messages[0].get_body(("plain",)).get_content().split("http://portal.test")[1].split()[0]
    )
    assert client.get(invitation_link).status_code == 404  # the newer link replaced it


def london(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=clock.LONDON).astimezone(clock.UTC).replace(tzinfo=None)


@pytest.fixture
def daily_reader():
    charity, council = make_org(), make_org(kind="local_authority")
    reader = make_user(council, email_frequency="daily", digest_hour=8, last_digest_at=london(2026, 3, 27, 8))
    return reader, charity, council


def digests_to(person):
    return [m for m in Outbox.select().order_by(Outbox.id) if m.to_address == person.email]


def test_daily_digest_at_eight_london_time_across_the_clock_change(daily_reader):
    reader, charity, council = daily_reader
    with clock.fixed_at(london(2026, 3, 27, 15)):
        make_request(make_user(charity), [council], title="Friday need")
    assert digests_to(reader) == []  # no e-mail as it happens
    with clock.fixed_at(london(2026, 3, 28, 7, 59)):
        schedule.digests()
    assert digests_to(reader) == []
    with clock.fixed_at(london(2026, 3, 28, 8, 1)):  # GMT: 08:01 UTC
        schedule.digests()
        schedule.digests()
    assert len(digests_to(reader)) == 1 and "Friday need" in digests_to(reader)[0].text
    with clock.fixed_at(london(2026, 3, 28, 20)):
        make_request(make_user(charity), [council], title="Saturday need")
    with clock.fixed_at(london(2026, 3, 29, 7, 30)):  # the clocks went forward: this is 06:30 UTC
        schedule.digests()
    assert len(digests_to(reader)) == 1
    with clock.fixed_at(london(2026, 3, 29, 8, 5)):  # BST: 07:05 UTC
        schedule.digests()
    second = digests_to(reader)[1]
    assert "Saturday need" in second.text and "Friday need" not in second.text


def test_weekly_digest_comes_on_monday_and_nothing_is_sent_when_nothing_happened(daily_reader):
    reader, charity, council = daily_reader
    User.update(email_frequency="weekly").execute()
    with clock.fixed_at(london(2026, 10, 21, 12)):  # a Wednesday
        make_request(make_user(charity), [council], title="Midweek need")
    User.update(last_digest_at=london(2026, 10, 19, 8)).where(User.id == reader.id).execute()
    with clock.fixed_at(london(2026, 10, 25, 9)):  # Sunday, the clocks went back
        schedule.digests()
    assert digests_to(reader) == []
    with clock.fixed_at(london(2026, 10, 26, 8, 30)):  # Monday
        schedule.digests()
    assert "Midweek need" in digests_to(reader)[-1].text
    count = len(digests_to(reader))
    with clock.fixed_at(london(2026, 11, 2, 8, 30)):  # the next Monday, nothing new
        schedule.digests()
    assert len(digests_to(reader)) == count


def test_follow_up_due_tells_the_owner_once_and_comes_in_the_morning_digest():
    two_days_ago = clock.now() - timedelta(days=2)
    steward, other = make_steward(created=two_days_ago), make_steward(created=two_days_ago)
    charity, council = make_org(), make_org(kind="local_authority")
    thread = make_request(make_user(charity), [council], title="Chase this")
    tracking.set_owner(thread, steward, steward)
    tracking.set_follow_up(thread, steward, clock.in_london(clock.now()).date())
    unowned = make_request(make_user(charity), [council], title="Nobody owns this")
    tracking.set_follow_up(unowned, steward, date(2020, 1, 1))
    schedule.follow_ups_due()
    schedule.follow_ups_due()
    due = Notification.select().where(Notification.kind == "follow_up_due")
    assert sorted((n.user_id, n.thread_id) for n in due) == sorted(
        [(steward.id, thread.id), (steward.id, unowned.id), (other.id, unowned.id)]
    )
    Outbox.delete().execute()
    schedule.digests()
    morning = digests_to(steward)
    assert len(morning) == 1 and "Chase this" in morning[0].text and "Nobody owns this" in morning[0].text
    assert notify.unread_count(steward) == 2


def test_outbox_run_once_sends_and_schedules(mail_server):
    mail_server.start()
    queue_mails(2)
    outbox.run(once=True, worker="cli")
    assert len(mail_server.messages) == 2


def test_two_workers_send_each_digest_and_follow_up_notice_once():
    steward = make_steward(created=clock.now() - timedelta(days=2))
    thread = make_request(make_user(), [make_org()], title="Chase this")
    tracking.set_follow_up(thread, steward, date(2020, 1, 1))
    # the second worker read what was due before the first worker acted on it
    stale_follow_ups, stale_readers = list(schedule.due_follow_ups()), list(schedule.digest_readers())
    schedule.follow_ups_due()
    schedule.follow_ups_due(stale_follow_ups)
    assert Notification.select().where(Notification.kind == "follow_up_due").count() == 1
    schedule.digests()
    schedule.digests(stale_readers)
    assert len(digests_to(steward)) == 1


def test_reopening_restarts_the_owners_clock():
    steward = make_steward()
    start = clock.now() - timedelta(days=40)
    with clock.fixed_at(start):
        thread = make_request(make_user(), [make_org()])
        tracking.set_owner(thread, steward, steward)
        tracking.resolve(thread, steward)
    tracking.reopen(thread, steward)
    fresh = Thread.get_by_id(thread.id)
    assert fresh.owner_since > start + timedelta(days=39)
