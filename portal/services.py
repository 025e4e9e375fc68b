"""Services and their rules: adding and editing a service, a new rule version when who it is for or how to refer
changes (telling the people whose threads cite an older version), confirming a service as it is, and citing a
rule in a post. Each change is one transaction with its event. No Flask here."""

from dataclasses import dataclass, field
from datetime import date

from . import notify
from .clock import in_london, now
from .db import database
from .models import Citation, Post, RuleLink, RuleVersion, Service, Thread, as_set
from .text import render_markdown
from .tracking import record

SERVICE_FIELDS = ("name", "offers", "areas", "capacity", "contact", "status")
RULE_FIELDS = ("eligibility", "referrers", "refer_by", "hours")


@dataclass
class Rule:
    """Who a service is for and how to refer, as a form gives them (sets as lists of codes)."""

    eligibility: str
    referrers: list
    refer_by: list
    hours: str = ""
    effective_from: date | None = None
    why: str = ""
    thread_ids: list = field(default_factory=list)
    barrier_ids: list = field(default_factory=list)

    def stored(self):
        return {
            "eligibility": self.eligibility,
            "referrers": as_set(self.referrers),
            "refer_by": as_set(self.refer_by),
            "hours": self.hours,
        }


def today():
    return in_london(now()).date()


def current_rule(service):
    return RuleVersion.get_or_none((RuleVersion.service == service.id) & (RuleVersion.number == service.rule_number))


def _stored_service(details):
    stored = dict(details)
    stored["areas"] = as_set(details["areas"])
    stored["offers_html"] = render_markdown(details["offers"])
    return stored


def add_service(author, organisation_id, details, rule):
    """A new service of `organisation_id` with `details` (SERVICE_FIELDS, areas as a list) and its first rule."""
    moment = now()
    with database.atomic():
        service = Service.create(
            organisation=organisation_id,
            confirmed_by=author,
            confirmed_at=moment,
            created=moment,
            **_stored_service(details),
        )
        record("service_added", author, service=service.id, name=service.name, organisation=organisation_id)
        _new_version(service, author, rule, moment)
    return service


def edit_service(service, editor, details, rule):
    """Change a service's details in place, and make a new rule version when who it is for or how to refer
    changed. Editing confirms the service as it now is. Returns the new rule version, or None."""
    moment = now()
    stored = _stored_service(details)
    with database.atomic():
        changed = {
            name: [getattr(service, name), stored[name]]
            for name in SERVICE_FIELDS
            if getattr(service, name) != stored[name]
        }
        for name, value in stored.items():
            setattr(service, name, value)
        service.confirmed_by, service.confirmed_at = editor, moment
        service.save()
        if changed:
            record("service_edited", editor, service=service.id, name=service.name, changes=changed)
        before = current_rule(service)
        if before is not None and all(getattr(before, name) == value for name, value in rule.stored().items()):
            return None
        return _new_version(service, editor, rule, moment)


def rule_changed(service, rule):
    """Whether `rule` says something other than the service's current rule."""
    before = current_rule(service)
    return before is None or any(getattr(before, name) != value for name, value in rule.stored().items())


def _new_version(service, author, rule, moment):
    number = service.rule_number + 1
    version = RuleVersion.create(
        service=service,
        number=number,
        eligibility_html=render_markdown(rule.eligibility),
        effective_from=rule.effective_from or in_london(moment).date(),
        why=rule.why,
        author=author,
        created=moment,
        **rule.stored(),
    )
    for thread_id in rule.thread_ids:
        RuleLink.create(rule=version, thread=thread_id)
    for barrier_id in rule.barrier_ids:
        RuleLink.create(rule=version, barrier=barrier_id)
    Service.update(rule_number=number).where(Service.id == service.id).execute()
    service.rule_number = number
    if number > 1:
        record("rule_changed", author, service=service.id, name=service.name, version=number, why=rule.why)
        _tell_citers(service, version, author)
    return version


def _tell_citers(service, version, actor):
    """The asker and the watchers of every thread citing an earlier version hear that the rule changed."""
    cited = (
        Thread.select(Thread)
        .join(Post, on=(Post.thread == Thread.id))
        .join(Citation, on=(Citation.post == Post.id))
        .join(RuleVersion, on=(Citation.rule == RuleVersion.id))
        .where((RuleVersion.service == service.id) & (RuleVersion.number < version.number) & ~Post.hidden)
        .distinct()
    )
    for thread in cited:
        kinds = dict.fromkeys(notify.watchers(thread), "rule_changed")
        kinds[thread.author_id] = "rule_changed"
        notify.deliver(thread, actor, kinds, where=service.name)


def confirm(service, person):
    """ "Still right": the service is confirmed as it is, by `person`, now."""
    with database.atomic():
        Service.update(confirmed_by=person, confirmed_at=now()).where(Service.id == service.id).execute()
        record("service_confirmed", person, service=service.id, name=service.name)


def cite(post, rule_id, author):
    """`post` cites the rule version `rule_id` (inside the reply's transaction)."""
    Citation.create(post=post, rule=rule_id, created=now())
    record("rule_cited", author, post.thread_id, post=post.id, rule=rule_id)
