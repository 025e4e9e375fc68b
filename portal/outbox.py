"""The outbox worker: sends the e-mails the portal wrote to the outbox table, each once.

A worker claims a batch with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL; BEGIN IMMEDIATE serialises claims on
SQLite), renews the lease before each message, sends it over SMTP and marks it sent at once. While the mail server
is down or answers "try later", a message is retried with growing delays for as long as it takes; a message the
server refuses for good (a 5xx answer, or one that cannot be made) is marked failed for the steward to see and
retry. A worker that dies leaves its claims to expire, after which another worker takes them; every attempt
carries the same Message-ID, so a receiver can drop a repeat.
"""

import logging
import os
import smtplib
import socket
import time
from datetime import timedelta
from email.message import EmailMessage

from . import accounts, config, mail, schedule
from .clock import now
from .db import database, is_sqlite
from .models import Outbox

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)


def backoff(attempts):
    """30 s, 1 min, 2 min, ... up to 6 hours between attempts."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


def worker_name():
    return "%s-%d" % (socket.gethostname(), os.getpid())


def ready(moment):
    return (
        Outbox.sent_at.is_null()
        & Outbox.failed_at.is_null()
        & (Outbox.send_after <= moment)
        & (Outbox.claimed_until.is_null() | (Outbox.claimed_until < moment))
    )


def claim(worker, batch=20):
    """Take up to `batch` messages that are due and not claimed by a live worker."""
    moment = now()
    with database.atomic():
        due = Outbox.select(Outbox.id).where(ready(moment)).order_by(Outbox.id).limit(batch)
        if not is_sqlite():
            due = due.for_update("FOR UPDATE SKIP LOCKED")
        ids = [row.id for row in due]
        if ids:
            Outbox.update(claimed_by=worker, claimed_until=moment + LEASE).where(
                Outbox.id.in_(ids) & ready(moment)
            ).execute()
    return list(Outbox.select().where(Outbox.id.in_(ids) & (Outbox.claimed_by == worker)).order_by(Outbox.id))


def as_email(message):
    email = EmailMessage()
    email["From"] = config.current["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = mail.message_id(message.id)
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


def connect():
    settings = config.current
    smtp = smtplib.SMTP(settings["SMTP_HOST"], settings["SMTP_PORT"], timeout=15)
    if settings["SMTP_STARTTLS"]:
        smtp.starttls()
    if settings["SMTP_USER"]:
        smtp.login(settings["SMTP_USER"], settings["SMTP_PASSWORD"])
    return smtp


def mark_sent(message, worker):
    Outbox.update(sent_at=now(), claimed_until=None, last_error=None).where(
        (Outbox.id == message.id) & (Outbox.claimed_by == worker)
    ).execute()


def permanent(error):
    """Whether trying again cannot help: the server refused for good, or the message cannot be made."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, (OSError, smtplib.SMTPException))


def mark_failed_attempt(message, worker, error):
    attempts = message.attempts + 1
    moment = now()
    Outbox.update(
        attempts=attempts,
        last_error=str(error)[:2000] or error.__class__.__name__,
        send_after=moment + backoff(attempts),
        failed_at=moment if permanent(error) else None,
        claimed_by=None,
        claimed_until=None,
    ).where((Outbox.id == message.id) & (Outbox.claimed_by == worker)).execute()


def _code(error):
    """The SMTP reply code(s) of a failure, or nothing."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return " ".join(str(code) for code, _ in error.recipients.values())
    return str(getattr(error, "smtp_code", ""))


def renew(message, worker):
    """Extend this worker's claim before a send; False if the claim lapsed and another worker may have it."""
    return bool(
        Outbox.update(claimed_until=now() + LEASE)
        .where((Outbox.id == message.id) & (Outbox.claimed_by == worker) & Outbox.sent_at.is_null())
        .execute()
    )


def send_batch(worker, batch=20):
    """Claim and send one batch; returns how many were sent."""
    messages = claim(worker, batch)
    if not messages:
        return 0
    sent = 0
    try:
        smtp = connect()
    except (OSError, smtplib.SMTPException) as error:
        log.warning("outbox: cannot reach the mail server: %s", error)
        for message in messages:
            mark_failed_attempt(message, worker, error)
        return 0
    with smtp:
        for message in messages:
            if not renew(message, worker):
                continue
            try:
                smtp.send_message(as_email(message))
            except Exception as error:  # whatever goes wrong with one message must not stop the rest
                # the server's words can hold the recipient's address: they go to the steward's page, not the log
                log.warning("outbox: message %d not sent: %s %s", message.id, type(error).__name__, _code(error))
                mark_failed_attempt(message, worker, error)
                continue
            mark_sent(message, worker)
            sent += 1
    return sent


def retry(message_id):
    """The steward's retry of a failed message: due now, with a fresh count of attempts."""
    return (
        Outbox.update(failed_at=None, attempts=0, send_after=now(), claimed_by=None, claimed_until=None)
        .where((Outbox.id == message_id) & Outbox.failed_at.is_null(False))
        .execute()
    )


def run(interval=5.0, once=False, worker=None):
    """Send until stopped: the password resets asked for, the scheduled notices and digests, then whatever is due,
    every `interval` seconds."""
    worker = worker or worker_name()
    log.info("outbox worker %s started", worker)
    while True:
        try:
            accounts.send_requested_resets(config.current["RESET_LINK_HOURS"])
            schedule.run_due()
            while send_batch(worker):
                pass
        except Exception:  # the worker must outlive a bad moment (the database away, a bug)
            log.exception("outbox worker: this round failed; trying again in %s seconds", interval)
        finally:
            if not database.is_closed():
                database.close()
        if once:
            return
        time.sleep(interval)
