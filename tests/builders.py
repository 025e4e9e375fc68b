"""Builders for test data: plain functions that go through the same domain code as the views."""

import io
import itertools

from portal import attachments, tracking
from portal.accounts import hash_password
from portal.models import Organisation, User

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)
_numbers = itertools.count(1)


def make_org(name=None, kind="charity", **fields):
    number = next(_numbers)
    name = name or "Organisation %d" % number
    slug = fields.pop("slug", None) or "org-%d" % number
    return Organisation.create(name=name, slug=slug, kind=kind, **fields)


def make_user(organisation=None, role="member", name=None, **fields):
    number = next(_numbers)
    organisation = organisation or make_org()
    fields.setdefault("email", "person%d@example.org" % number)
    return User.create(
        name=name or "Person %d" % number, organisation=organisation, role=role, **{"password_hash": _HASH, **fields}
    )


def make_steward(**fields):
    return make_user(make_org(kind="commissioner"), role="steward", **fields)


def make_thread(author, kind="update", title="A thread", body="What is happening.", to=(), visibility="all"):
    return tracking.start_thread(author, kind, title, body, [o.id for o in to], visibility)


def make_request(author, to, kind="need", **fields):
    return make_thread(author, kind=kind, to=to, **fields)


def make_attachment(post, name="notes.txt", content=b"Referral notes\n"):
    """A file on `post`, kept as an upload through the form would be."""
    stream = io.BytesIO(content)
    upload = attachments.inspect(name, stream, 10 * 1024 * 1024)
    return attachments.attach([upload], post.author, post.thread_id, post.id)[0]
