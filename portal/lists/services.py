"""The services directory, a service with its current rule, a rule's history and what changed, services not
confirmed for a while, and the rules a reply may cite.

To add a filter to the directory: declare it in FILTERS and add its field to templates/services/index.html."""

from datetime import timedelta

from flask import current_app
from peewee import JOIN, SQL, Value, fn

from .. import rules
from ..clock import now
from ..models import AREAS, REFERRERS, Attachment, Barrier, Organisation, RuleLink, RuleVersion, Service, Thread, User
from ..paging import Page
from . import filters
from .cache import slot, sql, until_next_event
from .filters import Filter, Matching

Confirmer = User.alias("confirmer")


def in_set(column, name):
    return column ** slot(name)  # ILIKE on PostgreSQL, LIKE on SQLite


def like_set(name):
    return lambda text, choices: {name: "%%,%s,%%" % text}


FILTERS = (
    Filter("area", lambda choices: AREAS, lambda viewer, area: in_set(Service.areas, "area"), like_set("area")),
    Filter(
        "referrer",
        lambda choices: REFERRERS,
        lambda viewer, referrer: in_set(RuleVersion.referrers, "referrer"),
        like_set("referrer"),
    ),
    Filter(
        "offers",
        lambda choices: Matching(r"[^%_\\]{1,100}"),
        lambda viewer, offers: Service.name.concat(" ").concat(Service.offers) ** slot("offers"),
        values=lambda text, choices: {"offers": "%%%s%%" % text.lower()},
    ),
    Filter("open", lambda choices: {"1"}, lambda viewer, chosen: Service.status == "open", values=lambda t, c: {}),
    Filter(
        "unconfirmed",
        lambda choices: {"1"},
        lambda viewer, chosen: unconfirmed(slot("unconfirmed_by")),
        values=lambda text, choices: {"unconfirmed_by": unconfirmed_since()},
    ),
)


def read_filters(args):
    chosen = filters.read(FILTERS, {k: v.strip() for k, v in args.items()}, None)
    return chosen


def with_rule(query):
    """Services with their organisation and current rule (as `service.rule`)."""
    return (
        query.join(Organisation, on=(Service.organisation == Organisation.id))
        .switch(Service)
        .join(
            RuleVersion,
            JOIN.LEFT_OUTER,
            on=(RuleVersion.service == Service.id) & (RuleVersion.number == Service.rule_number),
            attr="rule",
        )
        .switch(Service)
        .join(Confirmer, JOIN.LEFT_OUTER, on=(Service.confirmed_by == Confirmer.id), attr="confirmer")
    )


def service_rows():
    return with_rule(Service.select(Service, Organisation, RuleVersion, Confirmer.id, Confirmer.name))


@sql
def directory_query(shape):
    conditions = filters.conditions(FILTERS, None, shape)
    query = service_rows()
    for condition in conditions:
        query = query.where(condition)
    return query.order_by(Organisation.name, Service.name, Service.id).limit(slot("size")).offset(slot("skip"))


def directory_page(chosen, number, size):
    """A page of the directory with the filters `chosen`: one query."""
    shape = filters.shape(FILTERS, chosen)
    values = filters.values(FILTERS, chosen, None)
    rows = list(directory_query.run(shape, size=size + 1, skip=(number - 1) * size, **values))
    return Page(rows, number, size)


def service(service_id):
    """The service with its organisation, current rule and who last confirmed it, or None."""
    return service_rows().where(Service.id == service_id).first()


def files(service_id):
    """The files on a service, removed ones too (their reason shows), in the order added."""
    return list(Attachment.select().where(Attachment.service == service_id).order_by(Attachment.id))


def for_organisation(organisation_id):
    return list(service_rows().where(Service.organisation == organisation_id).order_by(Service.name))


def versions(service_id):
    """Every version of a service's rule, newest first, with its author."""
    return list(
        RuleVersion.select(RuleVersion, User.id, User.name)
        .join(User)
        .where(RuleVersion.service == service_id)
        .order_by(RuleVersion.number.desc())
    )


def version_on(versions, day):
    """The version in effect on `day` (the latest to take effect by then), or None before the first."""
    in_effect = [v for v in versions if v.effective_from <= day]
    return max(in_effect, key=lambda v: (v.effective_from, v.number)) if in_effect else None


def links(user, version_ids):
    """What led to each version: {version id: ([threads `user` may see], [barriers])}, in one query."""
    found = {i: ([], []) for i in version_ids}
    if not version_ids:
        return found
    query = (
        RuleLink.select(RuleLink, Thread.id, Thread.title, Barrier.id, Barrier.title)
        .join(Thread, JOIN.LEFT_OUTER, on=(RuleLink.thread == Thread.id))
        .switch(RuleLink)
        .join(Barrier, JOIN.LEFT_OUTER, on=(RuleLink.barrier == Barrier.id))
        .where(
            RuleLink.rule.in_(version_ids)
            & (RuleLink.thread.is_null() | (rules.visible_filter(user) & Thread.merged_into.is_null()))
        )
        .order_by(RuleLink.id)
    )
    for link in query:
        if link.thread_id:
            found[link.rule_id][0].append(link.thread)
        else:
            found[link.rule_id][1].append(link.barrier)
    return found


def changes_query():
    """Every rule version, newest first, with its service, organisation and author: what changed."""
    return (
        RuleVersion.select(
            RuleVersion, Service.id, Service.name, Organisation.id, Organisation.name, User.id, User.name
        )
        .join(Service)
        .join(Organisation)
        .switch(RuleVersion)
        .join(User)
        .order_by(RuleVersion.created.desc(), RuleVersion.id.desc())
    )


def changes_page(number, size):
    return Page.of(changes_query(), number, size)


def changes_between(start, end, organisation=None):
    """The rule changes (versions after the first) made from `start` up to `end` (datetimes, UTC), of the services
    of `organisation` when one is given, oldest first."""
    query = changes_query().where(
        (RuleVersion.number > 1) & (RuleVersion.created >= start) & (RuleVersion.created < end)
    )
    if organisation is not None:
        query = query.where(Service.organisation == organisation.id)
    return list(query.order_by(RuleVersion.created, RuleVersion.id))


def unconfirmed_since():
    return now() - timedelta(days=current_app.config["SERVICE_CONFIRM_DAYS"])


def unconfirmed(before):
    """The condition for the open or paused services nobody has confirmed since `before`."""
    return (Service.status != "closed") & (Service.confirmed_at < before)


def unconfirmed_services():
    """The branch of the steward's desk query (lists.home.desk_query) for the open or paused services nobody has
    confirmed since the slot "unconfirmed_by" (a date): (label, name, organisation, no count, id, confirmed on)."""
    return (
        Service.select(
            Value("services"), Service.name, Organisation.name, SQL("NULL"), Service.id, fn.DATE(Service.confirmed_at)
        )
        .join(Organisation)
        .where(unconfirmed(slot("unconfirmed_by")))
    )


def stale(organisation_id=None):
    """Open or paused services nobody has confirmed for SERVICE_CONFIRM_DAYS, longest first."""
    query = (
        Service.select(Service, Organisation.id, Organisation.name, Organisation.slug)
        .join(Organisation)
        .where(unconfirmed(unconfirmed_since()))
        .order_by(Service.confirmed_at)
    )
    if organisation_id is not None:
        query = query.where(Service.organisation == organisation_id)
    return list(query.limit(50))


@until_next_event
def citable():
    """The current rule of every open or paused service, for the reply form's select: ((rule id, label), ...)."""
    query = (
        RuleVersion.select(RuleVersion.id, RuleVersion.number, Service.name, Organisation.name)
        .join(Service, on=(RuleVersion.service == Service.id) & (RuleVersion.number == Service.rule_number))
        .join(Organisation)
        .where(Service.status != "closed")
        .order_by(Organisation.name, Service.name)
        .tuples()
    )
    return tuple((rule_id, "%s: %s (version %d)" % (org, name, number)) for rule_id, number, name, org in query)


def found(words, most):
    """The branch of the search page's query (lists.search.also_found) for the first `most` services by name whose
    name, offer or current rule has every word (every signed-in member may see every service):
    (label, id, name, status, organisation, no date)."""
    columns = (Value("services"), Service.id, Service.name, Service.status, Organisation.name, SQL("NULL"))
    query = with_rule(Service.select(*columns))
    for word in words:
        pattern = "%%%s%%" % word.replace("\\", "").replace("%", "").replace("_", "")
        text = (
            Service.name.concat(" ").concat(Service.offers).concat(" ").concat(fn.COALESCE(RuleVersion.eligibility, ""))
        )
        query = query.where(text**pattern)
    return query.order_by(Service.name, Service.id).limit(most)
