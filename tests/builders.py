"""Builders for test data: plain functions that go through the same domain code as the views."""

import io
import itertools

from werkzeug.security import generate_password_hash

from portal import attachments, tracking
from portal.models import Organisation, User

PASSWORD = "correct horse battery staple"
# scrypt at a lower cost than the product's, so that a thousand sign-ins do not take minutes (conftest sets it)
PASSWORD_HASH = "scrypt:1024:8:1"
_HASH = generate_password_hash(PASSWORD, method=PASSWORD_HASH)
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


def make_service(author, name="Crash pads", eligibility="People sleeping rough", referrers=("outreach",), **details):
    from portal import services

    fields = {"name": name, "offers": "Two crash pads", "areas": ["st-helens"], "capacity": "", "contact": "0151"}
    fields.update({"status": "open", **details})
    rule = services.Rule(eligibility=eligibility, referrers=list(referrers), refer_by=["phone"], hours="Any hour")
    return services.add_service(author, author.organisation_id, fields, rule)


def make_cycle(author, title="Direct referral into crash pads", organisations=(), threads=(), barriers=(), **fields):
    """A learning cycle started by `author` for their organisation, through portal.cycles."""
    from portal import cycles

    propose = fields.pop("propose", False)
    values = {
        "title": title,
        "noticed": "Outreach were turned away.",
        "trying": "",
        "trying_by": "",
        "trying_from": None,
        "learned": "",
        "changed": "",
        "changed_on": None,
        "review_on": None,
        "visibility": "all",
        **fields,
    }
    return cycles.start_cycle(
        author, values, [o.id for o in organisations], [t.id for t in threads], [b.id for b in barriers], propose
    )
