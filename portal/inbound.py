"""Reply by e-mail: a small SMTP server that turns a reply to a notification into a post.

Each notification e-mail has a Reply-To of reply+<token>@<MAIL_DOMAIN>; the token names the person and the thread
and is signed, so nobody can make one up. A reply is posted only when the token is good, the message comes from
that person's address, and they may still reply in the thread; otherwise the sender gets a clear bounce.
"""

import hashlib
import hmac
import html
import re
from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from email.utils import parseaddr

import nh3

from . import config, rules, tracking
from .clock import now
from .db import database
from .mail import reply_signature
from .models import InboundMessage, Thread, User

TOKEN_DAYS = 60  # how long a notification e-mail can be replied to
# A message without a Message-ID is taken for a repeat of one with the same text to the same thread this recently.
REPEAT_WINDOW = timedelta(hours=24)
MAX_BYTES = 512 * 1024
ADDRESS = re.compile(r"^reply\+(\d+)\.(\d+)\.(\d+)\.([0-9a-f]{20})$")
QUOTE_START = re.compile(r"^(On .+ wrote:|-+ ?Original Message ?-+|From: .+|_{10,})\s*$", re.IGNORECASE)


class Refused(Exception):
    """The message cannot become a post; the text says why, for the bounce."""


def read_address(address):
    """The (person id, thread id) a reply address stands for; Refused when it is not one of ours or too old."""
    local = parseaddr(address)[1].rpartition("@")[0].lower()
    match = ADDRESS.match(local)
    if not match:
        raise Refused("This address does not accept e-mail. Reply in the partner portal instead.")
    user_id, thread_id, day = (int(part) for part in match.groups()[:3])
    signature = match.group(4)
    keys = config.signing_keys(config.current)  # an address signed before a key rotation still works
    if not any(hmac.compare_digest(signature, reply_signature(user_id, thread_id, day, key)) for key in keys):
        raise Refused("This reply address is not valid. Reply in the partner portal instead.")
    if now().toordinal() - day > TOKEN_DAYS:
        raise Refused("This e-mail is too old to reply to. Reply in the partner portal instead.")
    return user_id, thread_id


def message_text(message):
    """The new text of a reply: plain text (or the text of an HTML-only e-mail), without quotes or signature."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise Refused("Your e-mail had no text we could read.")
    try:
        text = part.get_content()
    except (LookupError, UnicodeError) as error:
        raise Refused("Your e-mail's text could not be read.") from error
    if part.get_content_type() == "text/html":
        text = html.unescape(nh3.clean(re.sub(r"(?i)<br\s*/?>|</p>", "\n", text), tags=set()))
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if QUOTE_START.match(line.strip()) or line.rstrip() in ("--", "-- "):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
    body = "\n".join(kept).strip()
    if not body:
        raise Refused("Your reply was empty once the quoted e-mail was taken out.")
    return body[:20000]


def post_reply(recipient, raw):
    """Post the e-mail `raw`, sent to `recipient`, as a reply; returns the post, None when this message was
    posted before (a mail server delivering it again), or raises Refused."""
    user_id, thread_id = read_address(recipient)
    message = message_from_bytes(raw, policy=default)
    person = User.with_organisation().where((User.id == user_id) & (User.active == True)).first()
    thread = Thread.listing().where(Thread.id == thread_id).first()
    if person is None or thread is None or not rules.can_see_thread(person, thread):
        raise Refused("You cannot reply to this thread any more.")
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    if sender != person.email:
        raise Refused("Replies must come from the address we wrote to.")
    if not rules.can_reply(person, thread):
        raise Refused("This thread is locked by the steward, so it takes no new replies.")
    body = message_text(message)
    with database.atomic():
        if not first_delivery(person, thread, str(message.get("Message-ID", "")).strip(), body):
            return None
        return tracking.reply(thread, person, body)


def first_delivery(person, thread, message_id, body):
    """Note the message as posted; False when it was before. The unique index on (person, key) decides, so two
    deliveries at once cannot both pass. The key is the Message-ID or, without one, a digest of the thread and
    the text (never the text itself), which counts as a repeat only within REPEAT_WINDOW."""
    moment = now()
    if message_id:
        # an ASCII Message-ID, as the standard has them, is kept as it is; anything else as its digest
        key = message_id[:998] if message_id.isascii() else "sha256:" + _digest(message_id)
        noted = InboundMessage.insert(user=person.id, message_id=key, received=moment).on_conflict_ignore()
    else:
        key = "text:" + _digest("%d\n%s" % (thread.id, body))
        noted = InboundMessage.insert(user=person.id, message_id=key, received=moment).on_conflict(
            conflict_target=[InboundMessage.user, InboundMessage.message_id],
            update={InboundMessage.received: moment},
            where=InboundMessage.received < moment - REPEAT_WINDOW,
        )
    return bool(noted.as_rowcount().execute())


def _digest(text):
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


class Handler:
    """The aiosmtpd handler: one recipient per message, checked before the text is taken."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if envelope.rcpt_tos:
            return "452 4.5.3 One recipient at a time, please"
        try:
            read_address(address)
        except Refused as refused:
            return "550 5.1.1 %s" % refused
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        try:
            post = post_reply(envelope.rcpt_tos[0], envelope.original_content or envelope.content)
        except Refused as refused:
            return "550 5.7.1 %s" % refused
        finally:
            if not database.is_closed():
                database.close()
        return "250 OK: your reply is posted" if post else "250 OK: this reply was posted already"


def controller(host, port):
    from aiosmtpd.controller import Controller

    return Controller(Handler(), hostname=host, port=port, data_size_limit=MAX_BYTES)
