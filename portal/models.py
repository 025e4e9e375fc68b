"""The tables and their named queries."""

import json
from collections import defaultdict, namedtuple
from functools import reduce
from operator import add

from flask_login import UserMixin
from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .clock import now
from .db import BaseModel

ORG_KINDS = {
    "charity": "Charity",
    "local_authority": "Local authority",
    "health": "Health partner",
    "commissioner": "Commissioner",
}
ROLES = {"member": "Member", "steward": "Steward"}
THREAD_KINDS = {"update": "Update", "need": "Need", "question": "Question"}
REQUEST_KINDS = ("need", "question")
STATUSES = {"open": "Open", "answered": "Answered", "resolved": "Resolved", "closed": "Closed"}
LIVE_STATUSES = ("open", "answered")
VISIBILITIES = {"all": "All partners", "restricted": "Restricted"}
EMAIL_FREQUENCIES = {
    "immediate": "As it happens: one e-mail for each notification",
    "daily": "Once a day: a digest of everything since the last one",
    "weekly": "Once a week: a digest on Monday",
    "none": "Never: I will look in the portal",
}
CLOSE_REASONS = {"duplicate": "Duplicate", "out_of_scope": "Out of scope", "withdrawn": "Withdrawn", "other": "Other"}


class JSONField(TextField):
    def db_value(self, value):
        return json.dumps(value or {}, sort_keys=True)

    def python_value(self, value):
        return json.loads(value) if value else {}


class Organisation(BaseModel):
    name = CharField(max_length=120, unique=True)
    slug = CharField(max_length=60, unique=True)
    kind = CharField(max_length=20)
    active = BooleanField(default=True)
    created = DateTimeField(default=now)
    checkin_day = IntegerField(default=1)
    phone = CharField(max_length=200, default="")  # switchboard and team lines, comma-separated
    email = CharField(max_length=254, default="")  # a team inbox; its domain is the organisation's own

    @classmethod
    def by_name(cls):
        return cls.select().order_by(cls.name)

    @property
    def kind_label(self):
        return ORG_KINDS[self.kind]


class User(UserMixin, BaseModel):
    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=120)
    organisation = ForeignKeyField(Organisation, backref="people")
    role = CharField(max_length=10, default="member")
    password_hash = CharField(max_length=255, default="")
    active = BooleanField(default=True)
    last_seen = DateTimeField(null=True)
    created = DateTimeField(default=now)
    session_version = IntegerField(default=0)  # bumped to end every session of this person
    email_frequency = CharField(max_length=10, default="immediate")
    digest_hour = IntegerField(default=8)
    last_digest_at = DateTimeField(null=True)
    # Work contact details the person chooses to show partners on /people/<id> (migration 0017 says why the
    # defaults are what they are).
    job_title = CharField(max_length=120, default="")
    work_phone = CharField(max_length=40, default="")
    show_email = BooleanField(default=False)
    show_phone = BooleanField(default=True)

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        """What the session remembers: the person and their session version, so sessions can be ended."""
        return "%d:%d" % (self.id, self.session_version)

    @property
    def is_steward(self):
        return self.role == "steward"

    @classmethod
    def with_organisation(cls):
        return cls.select(cls, Organisation).join(Organisation)

    @property
    def shown_email(self):
        """The work e-mail partners see, or "" (none for someone who has left)."""
        return self.email if self.active and self.show_email else ""

    @property
    def shown_phone(self):
        return self.work_phone if self.active and self.show_phone else ""

    @classmethod
    def stewards(cls):
        return cls.select().where((cls.role == "steward") & (cls.active == True)).order_by(cls.name)


class Thread(BaseModel):
    kind = CharField(max_length=10)
    title = CharField(max_length=200)
    author = ForeignKeyField(User, backref="threads")
    organisation = ForeignKeyField(Organisation, backref="threads")
    status = CharField(max_length=10, null=True)
    visibility = CharField(max_length=12, default="all")
    pinned = BooleanField(default=False)
    locked = BooleanField(default=False)
    owner = ForeignKeyField(User, null=True, backref="owned_threads")
    owner_since = DateTimeField(null=True)
    follow_up_on = DateField(null=True)
    follow_up_noticed_on = DateField(null=True)
    created = DateTimeField(default=now)
    last_activity = DateTimeField(default=now)  # the conversation: posts and status changes; lists sort by it
    changed_at = DateTimeField(default=now, null=True)  # anything on the page changed; live updates look here
    first_response_at = DateTimeField(null=True)
    resolved_at = DateTimeField(null=True)
    close_reason = CharField(max_length=20, null=True)
    close_note = CharField(max_length=500, null=True)
    merged_into = ForeignKeyField("self", null=True, backref="merged_threads", index=False)  # partial index below
    post_count = IntegerField(default=0)  # kept by tracking, like the other copies here
    checkin_month = CharField(max_length=7, null=True)  # "2026-11" for a monthly check-in
    # Kept by tracking: when the asking organisation's wait began (None when it is not waited on), and (by
    # refresh_waiting) the earliest wait of anyone on this request, for the board's "oldest waiting" order.
    asker_waiting_since = DateTimeField(null=True)
    waiting_since = DateTimeField(null=True)

    class Meta:
        indexes = (
            # the lists' order (pinned first, latest activity next) after each filter they take
            (("pinned", "last_activity"), False),
            (("kind", "pinned", "last_activity"), False),
            (("status", "pinned", "last_activity"), False),
            (("kind", "status", "pinned", "last_activity"), False),
            (("organisation", "last_activity"), False),
            (("status", "waiting_since"), False),
            (("status", "follow_up_on"), False),
            (("owner", "status"), False),
            (("organisation", "checkin_month"), False),
        )

    @property
    def is_request(self):
        return self.kind in REQUEST_KINDS

    @property
    def is_live(self):
        return self.status in LIVE_STATUSES

    @property
    def unread(self):
        """Whether there is news since the person last read it (lists join their ThreadRead as `reading`)."""
        reading = getattr(self, "reading", None)
        return reading is None or reading.read_at is None or self.last_activity > reading.read_at

    @classmethod
    def listing(cls):
        """Threads with what a list row shows of the asking organisation and the author, not all their columns
        (merged threads are gone)."""
        return (
            cls.select(cls, Organisation.id, Organisation.name, Organisation.slug, User.id, User.name)
            .join(Organisation)
            .switch(cls)
            .join(User, on=cls.author)
            .where(cls.merged_into.is_null())
        )

    @property
    def addressed_to(self):
        """The names of the organisations it is addressed to, in order, with commas: what a list row shows."""
        if not hasattr(self, "_addressed_to"):
            self._addressed_to = ", ".join(a.organisation.name for a in self.addressees)
        return self._addressed_to

    def addressed_ids(self):
        return {a.organisation_id for a in self.addressees}

    @property
    def addressees(self):
        if not hasattr(self, "_addressees"):
            self._addressees = list(ThreadAddressee.for_threads([self.id]))
        return self._addressees


# Only merged threads: an index over every `merged_into_id IS NULL` would lead SQLite to sort whole lists.
Thread.add_index(Thread.index(Thread.merged_into, where=Thread.merged_into.is_null(False)))
# All the board reads of a live request, so that its counts and its sorting need no thread row (migration 0010).
Thread.add_index(
    Thread.index(
        Thread.kind,
        Thread.status,
        Thread.merged_into,
        Thread.visibility,
        Thread.organisation,
        Thread.pinned,
        Thread.waiting_since,
        Thread.last_activity,
        Thread.follow_up_on,
        Thread.first_response_at,
        Thread.created,
        Thread.owner,
        Thread.id,
        name="thread_board",
    )
)


class ThreadAddressee(BaseModel):
    thread = ForeignKeyField(Thread, backref="addressee_rows", index=False)  # indexes below
    organisation = ForeignKeyField(Organisation, backref="addressed")
    added = DateTimeField(default=now)
    replied_at = DateTimeField(null=True)
    # When this organisation's current wait began; None once it has replied or the steward says it need not.
    waiting_since = DateTimeField(null=True)
    not_needed = BooleanField(default=False)
    # Whether the request is open or answered and not locked, kept by tracking.refresh_waiting: home finds the
    # live requests addressed to an organisation from the index below, not by walking every live request (0011).
    live = BooleanField(default=True)

    class Meta:
        indexes = (
            (("thread", "organisation"), True),
            (("thread", "waiting_since", "organisation"), False),  # who a live request waits on, from the index
            (("organisation", "thread"), False),
            (("organisation", "waiting_since"), False),
        )

    @classmethod
    def live_for(cls, organisation):
        """The ids of the live requests addressed to `organisation`."""
        return cls.select(cls.thread).where((cls.organisation == organisation) & cls.live)

    @classmethod
    def for_threads(cls, thread_ids):
        """The addressees of these threads, with the name and address of each organisation."""
        return (
            cls.select(cls, Organisation.id, Organisation.name, Organisation.slug)
            .join(Organisation)
            .where(cls.thread.in_(list(thread_ids)))
            .order_by(Organisation.name)
        )


# Only live requests' addressees, by organisation (migration 0011).
ThreadAddressee.add_index(
    ThreadAddressee.index(
        ThreadAddressee.organisation,
        ThreadAddressee.thread,
        where=ThreadAddressee.live,
        name="threadaddressee_organisation_id_thread_id_live",
    )
)


class Post(BaseModel):
    thread = ForeignKeyField(Thread, backref="posts")
    author = ForeignKeyField(User, backref="posts")
    organisation = ForeignKeyField(Organisation, backref="posts")
    body = TextField()
    body_html = TextField()
    created = DateTimeField(default=now)
    edited = DateTimeField(null=True)
    hidden = BooleanField(default=False)
    hidden_reason = CharField(max_length=500, null=True)

    class Meta:
        indexes = ((("thread", "created"), False), (("organisation", "created"), False))

    @classmethod
    def with_authors(cls):
        """Posts with their author's name and organisation (not every column of either)."""
        return (
            cls.select(cls, User.id, User.name, Organisation.id, Organisation.name, Organisation.slug)
            .join(User)
            .switch(cls)
            .join(Organisation)
        )

    def versions_hold(self, text):
        """Whether `text` is in the post or in any of its earlier versions: what a redaction can remove."""
        earlier = PostRevision.select(PostRevision.body).where(PostRevision.post == self.id).tuples()
        return text in self.body or any(text in body for (body,) in earlier)


class PostRevision(BaseModel):
    post = ForeignKeyField(Post, backref="revisions")
    body = TextField()
    editor = ForeignKeyField(User)
    created = DateTimeField(default=now)


class Event(BaseModel):
    """Append-only: every change, who made it, when, and what it was before and after."""

    thread = ForeignKeyField(Thread, null=True, backref="events")
    actor = ForeignKeyField(User, null=True)
    action = CharField(max_length=40)
    data = JSONField(default=dict)
    created = DateTimeField(default=now)

    class Meta:
        indexes = (
            (("thread", "created"), False),
            (("created",), False),
            (("actor", "created"), False),
            (("action", "created"), False),
        )


class GuardOverride(BaseModel):
    """Details the personal-data guard said identify someone outright, kept by their writer with a reason, for the
    steward to review. It holds what kinds of detail they were, never the details themselves."""

    thread = ForeignKeyField(Thread)
    post = ForeignKeyField(Post, null=True)  # None when only the title held them
    in_title = BooleanField(default=False)
    author = ForeignKeyField(User)
    organisation = ForeignKeyField(Organisation)
    kinds = CharField(max_length=200)  # the guard's kinds, comma-separated
    reason = TextField()
    created = DateTimeField(default=now)
    reviewed_at = DateTimeField(null=True)
    reviewed_by = ForeignKeyField(User, null=True)

    class Meta:
        indexes = ((("reviewed_at", "created"), False), (("created",), False))

    @property
    def kind_list(self):
        return self.kinds.split(",")


class ThreadLink(BaseModel):
    """Two related threads, shown on both; stored once, with the lower id first."""

    first = ForeignKeyField(Thread, backref="links_out")
    second = ForeignKeyField(Thread, backref="links_in")
    created = DateTimeField(default=now)

    class Meta:
        indexes = ((("first", "second"), True),)  # `second` has its foreign key's index


class PasswordLink(BaseModel):
    """A one-time link to set a password; only a hash of its token is stored."""

    user = ForeignKeyField(User, backref="password_links")
    token_hash = CharField(max_length=64, unique=True)
    created = DateTimeField(default=now)
    expires = DateTimeField()
    used_at = DateTimeField(null=True)


class Notification(BaseModel):
    """Something a person should hear about, once; e-mailed through the outbox as their preferences say."""

    user = ForeignKeyField(User, backref="notifications")
    thread = ForeignKeyField(Thread, null=True)
    actor = ForeignKeyField(User, null=True)
    kind = CharField(max_length=30)
    data = JSONField(default=dict)
    created = DateTimeField(default=now)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "read_at", "created"), False), (("user", "created"), False))


class Watch(BaseModel):
    """A person's choice to watch or mute a thread, or to watch an organisation's new threads."""

    user = ForeignKeyField(User, backref="watches")
    thread = ForeignKeyField(Thread, null=True)
    organisation = ForeignKeyField(Organisation, null=True)
    level = CharField(max_length=5, default="watch")
    created = DateTimeField(default=now)

    class Meta:
        indexes = (
            (("user", "thread"), True),
            (("user", "organisation"), True),
            (("thread", "level"), False),
            (("organisation", "level"), False),
        )


class ThreadRead(BaseModel):
    """How far a person has read a thread."""

    user = ForeignKeyField(User)
    thread = ForeignKeyField(Thread)
    read_at = DateTimeField()

    class Meta:
        indexes = ((("user", "thread"), True),)


class Outbox(BaseModel):
    """An e-mail waiting to go, written in the same transaction as the change that causes it."""

    to_address = CharField(max_length=254)
    reply_to = CharField(max_length=500, null=True)
    subject = CharField(max_length=300)
    text = TextField()
    html = TextField()
    created = DateTimeField(default=now)
    send_after = DateTimeField(default=now)
    attempts = IntegerField(default=0)
    claimed_by = CharField(max_length=64, null=True)
    claimed_until = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
    failed_at = DateTimeField(null=True)
    last_error = TextField(null=True)

    class Meta:
        indexes = ((("sent_at", "failed_at", "send_after"), False),)


class SignInThrottle(BaseModel):
    """Tries counted under a hashed key (an account, a known browser, a network address), shared by every worker
    process (see throttle)."""

    key = CharField(max_length=300, unique=True)
    failures = IntegerField(default=0)
    last_failure = DateTimeField()
    blocked_until = DateTimeField(null=True)


class PasswordResetRequest(BaseModel):
    """A "forgotten password" request, for the e-mail worker to answer (accounts.send_requested_resets)."""

    email = CharField(max_length=254)
    created = DateTimeField(default=now)


class InboundMessage(BaseModel):
    """An e-mail reply already posted, by its Message-ID: a mail server that delivers it again (as they do when
    an answer is lost) is thanked, and nothing is posted twice. A reply without a Message-ID is kept by a digest
    of its thread and text instead ("text:<sha256>"), a repeat for a day (inbound.first_delivery)."""

    user = ForeignKeyField(User)
    message_id = CharField(max_length=998)  # the longest line e-mail allows; or a digest, as above
    received = DateTimeField(default=now)

    class Meta:
        indexes = ((("user", "message_id"), True), (("received",), False))


class ReadLog(BaseModel):
    """Who opened a restricted thread: the first time in each hour, so a link followed at will writes no more."""

    user = ForeignKeyField(User)
    thread = ForeignKeyField(Thread)
    created = DateTimeField(default=now)
    hour = DateTimeField()

    class Meta:
        indexes = (
            (("thread", "created"), False),
            (("user", "created"), False),
            (("user", "thread", "hour"), True),
        )

    @classmethod
    def record(cls, user, thread):
        """Note that `user` opened `thread`, unless they already did this hour (safe when two opens race)."""
        moment = now()
        hour = moment.replace(minute=0, second=0, microsecond=0)
        cls.insert(user=user.id, thread=thread.id, created=moment, hour=hour).on_conflict_ignore().execute()

    @classmethod
    def for_thread(cls, thread):
        """Everyone who opened a thread, newest first, with who they are."""
        return (
            cls.select(cls, User, Organisation)
            .join(User)
            .join(Organisation)
            .where(cls.thread == thread.id)
            .order_by(cls.created.desc(), cls.id.desc())
        )


BARRIER_STATUSES = {
    "raised": "Raised",
    "being_worked_on": "Being worked on",
    "changed": "Changed",
    "wont_change": "Won’t change",
}


class Theme(BaseModel):
    """A theme from the steward's list, tagged on threads: "emergency beds", "hospital discharge"."""

    name = CharField(max_length=80, unique=True)
    slug = CharField(max_length=80, unique=True)
    active = BooleanField(default=True)
    created = DateTimeField(default=now)

    @classmethod
    def in_use(cls):
        return cls.select().where(cls.active == True).order_by(cls.name)


class ThreadTheme(BaseModel):
    thread = ForeignKeyField(Thread, backref="theme_rows")
    theme = ForeignKeyField(Theme, backref="thread_rows")

    class Meta:
        indexes = ((("thread", "theme"), True), (("theme", "thread"), False))


def union_all(*queries):
    """The rows of every one of `queries` (alike in their columns) from one query, as tuples."""
    return reduce(add, queries).tuples()


def short_lists(rows):
    """Several short pick lists from the rows of a union_all, each starting with its list's label and then a
    name: {label: [rows without the label, by name]} (an empty list for a label with no rows)."""
    lists = defaultdict(list)
    for label, *row in sorted(rows, key=lambda row: row[1]):
        lists[label].append(row)
    return lists


def with_theme(slug):
    """The condition for threads tagged with the theme `slug`."""
    return Thread.id.in_(ThreadTheme.select(ThreadTheme.thread).join(Theme).where(Theme.slug == slug))


Tag = namedtuple("Tag", "name slug")


class Barrier(BaseModel):
    """A rule, gap or handoff in the system that stops people getting help, tracked until it changes."""

    title = CharField(max_length=200)
    description = TextField(default="")
    description_html = TextField(default="")
    status = CharField(max_length=20, default="raised")
    created = DateTimeField(default=now)
    updated = DateTimeField(default=now)

    class Meta:
        indexes = ((("status", "updated"), False),)


class BarrierThread(BaseModel):
    barrier = ForeignKeyField(Barrier, backref="thread_rows")
    thread = ForeignKeyField(Thread, backref="barrier_rows")
    created = DateTimeField(default=now)

    class Meta:
        indexes = ((("barrier", "thread"), True),)  # `thread` has its foreign key's index


class BarrierHolder(BaseModel):
    """An organisation that holds a barrier: whose rule or service it is."""

    barrier = ForeignKeyField(Barrier, backref="holder_rows")
    organisation = ForeignKeyField(Organisation)

    class Meta:
        indexes = ((("barrier", "organisation"), True),)


class BarrierLog(BaseModel):
    """A dated entry in a barrier's log: what was tried and learned, and any change of status."""

    barrier = ForeignKeyField(Barrier, backref="log")
    author = ForeignKeyField(User)
    note = TextField()
    note_html = TextField()
    status_before = CharField(max_length=20, null=True)
    status_after = CharField(max_length=20, null=True)
    created = DateTimeField(default=now)

    class Meta:
        indexes = ((("barrier", "created"), False), (("created",), False))


SERVICE_STATUSES = {"open": "Open", "paused": "Paused", "closed": "Closed"}
# The region's six local authority areas, fixed: a service covers some of them (stored as ",liverpool,sefton,").
AREAS = {
    "liverpool": "Liverpool",
    "sefton": "Sefton",
    "knowsley": "Knowsley",
    "st-helens": "St Helens",
    "wirral": "Wirral",
    "halton": "Halton",
}
REFERRERS = {
    "self": "The person themselves",
    "outreach": "Outreach",
    "partner": "Any partner",
    "council": "Only the council",
}
REFER_BY = {"phone": "Phone", "email": "E-mail", "form": "Form"}


def as_set(codes):
    """Codes kept in one column, bracketed by commas so that one code is found with LIKE '%,code,%'."""
    return "," + ",".join(codes) + "," if codes else ""


def from_set(text):
    return [code for code in (text or "").split(",") if code]


class Service(BaseModel):
    """What an organisation offers, for whom and how to refer: kept by its own members (and the steward). Who it is
    for and how to refer live in its rule versions; `rule_number` is the current one's, kept by services.py."""

    organisation = ForeignKeyField(Organisation, backref="services")
    name = CharField(max_length=200)
    offers = TextField(default="")
    offers_html = TextField(default="")
    areas = CharField(max_length=200, default="")
    capacity = TextField(default="")
    contact = CharField(max_length=300, default="")
    status = CharField(max_length=10, default="open")
    rule_number = IntegerField(default=0)
    confirmed_by = ForeignKeyField(User, null=True)
    confirmed_at = DateTimeField(default=now)
    created = DateTimeField(default=now)

    class Meta:
        indexes = ((("organisation", "name"), False), (("confirmed_at",), False))

    @property
    def area_names(self):
        return [AREAS[code] for code in from_set(self.areas) if code in AREAS]

    @property
    def status_label(self):
        return SERVICE_STATUSES[self.status]


class RuleVersion(BaseModel):
    """One version of a service's rule: who it is for and how to refer, from a date, with why it changed."""

    service = ForeignKeyField(Service, backref="rule_versions", index=False)  # the unique index below leads with it
    number = IntegerField()
    eligibility = TextField()
    eligibility_html = TextField()
    referrers = CharField(max_length=100, default="")
    refer_by = CharField(max_length=100, default="")
    hours = CharField(max_length=200, default="")
    effective_from = DateField()
    why = TextField(default="")
    author = ForeignKeyField(User)
    created = DateTimeField(default=now)

    class Meta:
        indexes = ((("service", "number"), True), (("created",), False))

    @property
    def referrer_names(self):
        return [REFERRERS[code] for code in from_set(self.referrers) if code in REFERRERS]

    @property
    def refer_by_names(self):
        return [REFER_BY[code] for code in from_set(self.refer_by) if code in REFER_BY]


class RuleLink(BaseModel):
    """A thread or a barrier that led to a rule version."""

    rule = ForeignKeyField(RuleVersion, backref="links")
    thread = ForeignKeyField(Thread, null=True)
    barrier = ForeignKeyField(Barrier, null=True)


class Citation(BaseModel):
    """A post that cites a service's rule, as it was in that version."""

    post = ForeignKeyField(Post, unique=True)
    rule = ForeignKeyField(RuleVersion, backref="citations")
    created = DateTimeField(default=now)


CYCLE_STATUSES = {
    "proposed": "Proposed",
    "noticing": "Noticing",
    "trying": "Trying",
    "reviewing": "Reviewing",
    "embedded": "Embedded",
    "dropped": "Dropped",
    "declined": "Declined",
}
# What an entry may move a cycle to: "proposed" and "declined" are the steward's decision on a proposal.
CYCLE_STEPS = {key: CYCLE_STATUSES[key] for key in ("noticing", "trying", "reviewing", "embedded", "dropped")}
CYCLE_OPEN = ("noticing", "trying", "reviewing")  # a cycle still learning: its review date is kept


class LearningCycle(BaseModel):
    """A cycle of learning on purpose: what we noticed, what we are trying, what we learned and what changed in the
    system, reviewed on a date until it is embedded or dropped."""

    title = CharField(max_length=200)
    organisation = ForeignKeyField(Organisation, backref="cycles")  # whose member started or proposed it
    author = ForeignKeyField(User, backref="cycles")
    noticed = TextField(default="")
    noticed_html = TextField(default="")
    trying = TextField(default="")
    trying_html = TextField(default="")
    trying_by = CharField(max_length=200, default="")  # who is trying it: organisations or people, in words
    trying_from = DateField(null=True)
    learned = TextField(default="")
    learned_html = TextField(default="")
    changed = TextField(default="")  # what changed in the system
    changed_html = TextField(default="")
    changed_on = DateField(null=True)
    status = CharField(max_length=20, default="noticing")
    decline_reason = CharField(max_length=500, null=True)
    review_on = DateField(null=True)
    visibility = CharField(max_length=12, default="all")
    created = DateTimeField(default=now)
    updated = DateTimeField(default=now)
    embedded_at = DateTimeField(null=True)  # when an entry last moved it to embedded

    class Meta:
        indexes = ((("status", "updated"), False), (("updated",), False), (("status", "review_on"), False))

    @property
    def status_label(self):
        return CYCLE_STATUSES[self.status]

    def involved_ids(self):
        """The ids of the organisations involved (for who may see a restricted cycle)."""
        if not hasattr(self, "_involved_ids"):
            rows = CycleOrganisation.select(CycleOrganisation.organisation).where(CycleOrganisation.cycle == self.id)
            self._involved_ids = {organisation for (organisation,) in rows.tuples()}
        return self._involved_ids

    def review_overdue(self, today):
        return self.status in CYCLE_OPEN and self.review_on is not None and self.review_on < today


class CycleOrganisation(BaseModel):
    """An organisation involved in a learning cycle."""

    cycle = ForeignKeyField(LearningCycle, backref="organisation_rows", index=False)
    organisation = ForeignKeyField(Organisation)

    class Meta:
        indexes = ((("cycle", "organisation"), True), (("organisation", "cycle"), False))


class CycleThread(BaseModel):
    """A thread (or check-in) that a learning cycle noticed."""

    cycle = ForeignKeyField(LearningCycle, backref="thread_rows", index=False)
    thread = ForeignKeyField(Thread, backref="cycle_rows")

    class Meta:
        indexes = ((("cycle", "thread"), True),)  # `thread` has its foreign key's index


class CycleBarrier(BaseModel):
    """A system barrier that a learning cycle works on."""

    cycle = ForeignKeyField(LearningCycle, backref="barrier_rows", index=False)
    barrier = ForeignKeyField(Barrier, backref="cycle_rows")

    class Meta:
        indexes = ((("cycle", "barrier"), True),)  # `barrier` has its foreign key's index


class CycleEntry(BaseModel):
    """A dated update to a learning cycle, like a barrier's log entry: what happened, and any change of status."""

    cycle = ForeignKeyField(LearningCycle, backref="entries", index=False)
    author = ForeignKeyField(User)
    note = TextField()
    note_html = TextField()
    status_before = CharField(max_length=20, null=True)
    status_after = CharField(max_length=20, null=True)
    created = DateTimeField(default=now)

    class Meta:
        indexes = ((("cycle", "created"), False), (("created",), False))


PROPOSAL_STATUSES = {
    "proposed": "Waiting for the steward",
    "accepted": "Accepted: in the register",
    "merged": "Merged into a barrier in the register",
    "declined": "Declined",
}


class BarrierProposal(BaseModel):
    """A barrier a member proposes; the steward accepts it (a new barrier), merges it into one (`barrier`), or
    declines it with a `reason` the proposer sees."""

    title = CharField(max_length=200)
    description = TextField(default="")
    description_html = TextField(default="")
    proposer = ForeignKeyField(User)
    organisation = ForeignKeyField(Organisation)
    status = CharField(max_length=12, default="proposed")
    barrier = ForeignKeyField(Barrier, null=True)
    reason = TextField(default="")
    decided_by = ForeignKeyField(User, null=True)
    decided_at = DateTimeField(null=True)
    created = DateTimeField(default=now)

    class Meta:
        indexes = ((("status", "created"), False), (("organisation", "created"), False))


class CycleRule(BaseModel):
    """A rule version that a learning cycle changed: what changed in the system, shown on both."""

    cycle = ForeignKeyField(LearningCycle, backref="rule_rows", index=False)
    rule = ForeignKeyField(RuleVersion, backref="cycle_rows")

    class Meta:
        indexes = ((("cycle", "rule"), True),)  # `rule` has its foreign key's index


class Attachment(BaseModel):
    """A file on a post or a service: its name, type and size here, its content in AttachmentChunk rows (so several
    web machines share it through the database, and backups hold it). Removed: the content goes, the reason stays."""

    post = ForeignKeyField(Post, null=True, backref="attachments")
    service = ForeignKeyField(Service, null=True, backref="attachments")  # migration 0021
    uploader = ForeignKeyField(User)
    organisation = ForeignKeyField(Organisation)
    name = CharField(max_length=150)
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    created = DateTimeField(default=now)
    removed_at = DateTimeField(null=True)
    removed_by = ForeignKeyField(User, null=True)
    removed_reason = CharField(max_length=200, null=True)

    class Meta:
        indexes = ((("uploader", "created"), False),)  # `post` has its foreign key's index

    @property
    def removed(self):
        return self.removed_at is not None


class AttachmentChunk(BaseModel):
    """One piece (at most attachments.CHUNK bytes) of an attachment's content, in order."""

    attachment = ForeignKeyField(Attachment, backref="chunks", on_delete="CASCADE", index=False)  # index below
    number = IntegerField()
    data = BlobField()

    class Meta:
        indexes = ((("attachment", "number"), True),)


TABLES = [
    Organisation,
    User,
    Thread,
    ThreadAddressee,
    Post,
    PostRevision,
    Event,
    PasswordLink,
    ThreadLink,
    Notification,
    Watch,
    ThreadRead,
    Outbox,
    Theme,
    ThreadTheme,
    Barrier,
    BarrierThread,
    BarrierHolder,
    BarrierLog,
    BarrierProposal,
    SignInThrottle,
    ReadLog,
    InboundMessage,
    PasswordResetRequest,
    GuardOverride,
    Service,
    RuleVersion,
    RuleLink,
    Citation,
    LearningCycle,
    CycleOrganisation,
    CycleThread,
    CycleBarrier,
    CycleEntry,
    CycleRule,
    Attachment,
    AttachmentChunk,
]
