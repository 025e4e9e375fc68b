"""Reply by e-mail, end to end: a notification's Reply-To, through the inbound SMTP server, to a post."""

import logging
import re
import smtplib
import threading
from datetime import timedelta
from email.message import EmailMessage

import pytest

from portal import clock, inbound, mail, outbox
from portal.db import database
from portal.models import InboundMessage, Outbox, Post, Thread

from .builders import make_org, make_request, make_user
from .mailserver import free_port


@pytest.fixture
def inbox(app):
    port = free_port()
    server = inbound.controller("127.0.0.1", port)
    server.start()
    yield port
    server.stop()


@pytest.fixture
def request_and_officer():
    charity, council = make_org(), make_org(kind="local_authority")
    officer = make_user(council, email="officer@council.example.org")
    thread = make_request(make_user(charity), [council], title="Bed tonight?")
    return thread, officer


def send(port, to, body=None, sender="officer@council.example.org", message=None):
    if message is None:
        message = EmailMessage()
        message.set_content(body)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: Bed tonight?"
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(message)


def replies(thread):
    return [p.body for p in Post.select().where(Post.thread == thread.id).order_by(Post.id)][1:]


def test_a_reply_to_the_notification_email_is_posted_without_the_quote(inbox, mail_server, request_and_officer):
    thread, officer = request_and_officer
    mail_server.start()
    outbox.send_batch("worker")
    notification = mail_server.messages[0]
    reply_to = notification["Reply-To"]
    assert reply_to.startswith("reply+%d.%d." % (officer.id, thread.id))
    body = "Yes, we have a bed at 8pm.\n\nGareth\n-- \nHousing Options\n\nOn Tue, someone wrote:\n> Bed tonight?"
    send(inbox, reply_to, body)
    assert replies(thread) == ["Yes, we have a bed at 8pm.\n\nGareth"]
    assert Thread.get_by_id(thread.id).status == "answered"


def test_html_only_and_other_charsets_are_read(inbox, request_and_officer):
    thread, officer = request_and_officer
    address = mail.reply_address(officer.id, thread.id)
    message = EmailMessage()
    message.set_content("<p>Caf&eacute; at <b>8</b></p><blockquote>old</blockquote>", subtype="html")
    send(inbox, address, message=message)
    latin = EmailMessage()
    latin.set_content("Zoë can meet him.", charset="iso-8859-1")
    send(inbox, address, message=latin)
    assert replies(thread)[0].startswith("Café at 8") and replies(thread)[1] == "Zoë can meet him."


def test_a_message_delivered_twice_is_posted_once(inbox, request_and_officer):
    """Mail servers deliver again when they miss our answer; the Message-ID tells the second delivery apart."""
    thread, officer = request_and_officer
    address = mail.reply_address(officer.id, thread.id)

    def message(body, message_id):
        sent = EmailMessage()
        sent.set_content(body)
        sent["Message-ID"] = message_id
        return sent

    send(inbox, address, message=message("A bed at 8pm.", "<first@council.example.org>"))
    again = message("A bed at 8pm.", "<first@council.example.org>")
    again["From"], again["To"] = "officer@council.example.org", address
    with smtplib.SMTP("127.0.0.1", inbox) as smtp:
        smtp.ehlo()
        smtp.mail("officer@council.example.org")
        smtp.rcpt(address)
        assert smtp.data(again.as_bytes()) == (250, b"OK: this reply was posted already")
    send(inbox, address, message=message("And breakfast.", "<second@council.example.org>"))
    send(inbox, address, "No Message-ID header: told apart by its text.")
    assert replies(thread) == ["A bed at 8pm.", "And breakfast.", "No Message-ID header: told apart by its text."]
    assert InboundMessage.select().count() == 3


@pytest.mark.parametrize(
    "case, code",
    [
        ("no token", 550),
        ("forged", 550),
        ("expired", 550),
        ("wrong sender", 550),
        ("locked", 550),
        ("cannot see", 550),
        ("empty", 550),
        ("huge", 552),
    ],
)
def test_bad_replies_bounce_clearly_and_post_nothing(inbox, request_and_officer, case, code):
    thread, officer = request_and_officer
    address = mail.reply_address(officer.id, thread.id)
    body, sender = "A reply", "officer@council.example.org"
    if case == "no token":
        address = "portal@lcr.example.org"
    elif case == "forged":
        address = address.replace(address.split(".")[3].split("@")[0], "0" * 20)
    elif case == "expired":
        with clock.fixed_at(clock.now() - timedelta(days=inbound.TOKEN_DAYS + 1)):
            address = mail.reply_address(officer.id, thread.id)
    elif case == "wrong sender":
        sender = "someone@else.example.org"
    elif case == "locked":
        Thread.update(locked=True).execute()
    elif case == "cannot see":
        Thread.update(visibility="restricted").execute()
        address = mail.reply_address(make_user().id, thread.id)
        sender = None
    elif case == "empty":
        body = "> only a quote"
    elif case == "huge":
        body = "x" * (inbound.MAX_BYTES + 10)
    if sender is None:
        from portal.models import User

        sender = User.get_by_id(int(address.split("+")[1].split(".")[0])).email
    with pytest.raises((smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) as refused:
        send(inbox, address, body, sender=sender)
    error = refused.value
    codes = [c for c, _ in error.recipients.values()] if hasattr(error, "recipients") else [error.smtp_code]
    assert codes == [code]
    assert replies(thread) == []


def raw_reply(body, message_id=None, sender="officer@council.example.org"):
    message = EmailMessage()
    message.set_content(body)
    message["From"] = sender
    if message_id:
        message["Message-ID"] = message_id
    return message.as_bytes()


def test_a_message_without_a_message_id_is_posted_once_a_day_by_its_text_and_thread(request_and_officer):
    thread, officer = request_and_officer
    other = make_request(thread.author, [officer.organisation], title="Food tonight?")
    address = mail.reply_address(officer.id, thread.id)
    assert inbound.post_reply(address, raw_reply("A bed at 8pm.")) is not None
    assert inbound.post_reply(address, raw_reply("A bed at 8pm.")) is None  # delivered again: not posted
    assert inbound.post_reply(address, raw_reply("A bed at 9pm.")) is not None
    assert inbound.post_reply(mail.reply_address(officer.id, other.id), raw_reply("A bed at 8pm.")) is not None
    with clock.fixed_at(clock.now() + inbound.REPEAT_WINDOW + timedelta(minutes=1)):
        assert inbound.post_reply(address, raw_reply("A bed at 8pm.")) is not None  # said again the next day
        assert inbound.post_reply(address, raw_reply("A bed at 8pm.")) is None
    assert replies(thread) == ["A bed at 8pm.", "A bed at 9pm.", "A bed at 8pm."]
    assert replies(other) == ["A bed at 8pm."]
    keys = [m.message_id for m in InboundMessage.select()]
    assert keys and all(re.fullmatch("text:[0-9a-f]{64}", key) for key in keys)  # a digest, not the text


def test_a_message_id_that_is_not_ascii_is_kept_as_a_digest_and_posted_once(request_and_officer):
    thread, officer = request_and_officer
    address = mail.reply_address(officer.id, thread.id)
    raw = (
        b"From: officer@council.example.org\r\nMessage-ID: <caf\xc3\xa9-"
        + b"\xe2\x82\xac" * 600
        + b"@x>\r\n\r\nYes.\r\n"
    )
    assert inbound.post_reply(address, raw) is not None
    assert inbound.post_reply(address, raw) is None
    assert replies(thread) == ["Yes."] and InboundMessage.get().message_id.startswith("sha256:")


@pytest.mark.parametrize("message_id", ["<same@council.example.org>", None])
def test_deliveries_at_the_same_moment_post_once(request_and_officer, message_id):
    thread, officer = request_and_officer
    address, raw = mail.reply_address(officer.id, thread.id), raw_reply("On our way.", message_id)
    start, results = threading.Barrier(4), []

    def deliver():
        start.wait()
        try:
            results.append(inbound.post_reply(address, raw))
        finally:
            database.close()

    workers = [threading.Thread(target=deliver) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == 4 and sum(post is not None for post in results) == 1
    assert replies(thread) == ["On our way."]


def test_no_reply_address_token_is_written_to_any_log(inbox, mail_server, request_and_officer, caplog):
    """Whoever reads the logs must not be able to post as someone: only the person's and thread's ids are logged."""
    caplog.set_level(logging.DEBUG)
    thread, officer = request_and_officer
    refused = make_user(officer.organisation, email="bounce@council.example.org")  # the mail server says no
    make_request(thread.author, [officer.organisation], title="Food tonight?")
    mail_server.start()
    assert outbox.send_batch("worker") == 2  # the officer's notifications, with their Reply-To
    address = mail_server.messages[0]["Reply-To"]
    failed = Outbox.get(Outbox.failed_at.is_null(False))
    forged = address.replace(address.split(".")[3].split("@")[0], "0" * 20)
    send(inbox, address, "Yes, a bed at 8pm.")
    with pytest.raises(smtplib.SMTPDataError):
        send(inbox, address, "Not the officer.", sender="someone@else.example.org")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(inbox, forged, "Made up.")
    assert replies(thread) == ["Yes, a bed at 8pm."]
    logged = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert "rcpt to" in logged.lower()  # the mail servers' conversations were logged, without the tokens
    tokens = [reply.split("+", 1)[1].split("@")[0] for reply in (address, forged)]
    assert [token for token in tokens if token in logged] == []
    ours = [record.getMessage() for record in caplog.records if record.name.startswith("portal")]
    assert "outbox: message %d not sent: SMTPRecipientsRefused 550" % failed.id in ours
    assert not [line for line in ours if refused.email in line or officer.email in line]
