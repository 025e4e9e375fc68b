"""Services: the directory, a service and its rule's history, adding and editing one, what changed, and "still
right? confirm as it is"."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import rules, services
from ..forms import ServiceFilesForm, ServiceForm
from ..lists import services as listed
from ..lists.cycles import cycles_on_service
from ..lists.pages import visible_threads
from ..models import AREAS, REFERRERS, Barrier, Organisation, Thread, from_set
from ..paging import page_number
from ..web import back_or, require

bp = Blueprint("services", __name__)


def get_service(service_id):
    require(rules.can_see_services(current_user))
    service = listed.service(service_id)
    if service is None:
        abort(404)
    return service


@bp.get("/services")
def index():
    require(rules.can_see_services(current_user))
    chosen = listed.read_filters(request.args)
    page = listed.directory_page(chosen, page_number(request.args), current_app.config["PAGE_SIZE"])
    return render_template("services/index.html", page=page, chosen=chosen, AREAS=AREAS, REFERRERS=REFERRERS)


@bp.get("/services/<int:service_id>")
def show(service_id):
    service = get_service(service_id)
    files, form = listed.files(service.id), ServiceFilesForm(formdata=None)
    cycles = cycles_on_service(current_user, service.id)
    return render_template("services/show.html", service=service, files=files, files_form=form, cycles=cycles)


@bp.get("/services/<int:service_id>/rules")
def history(service_id):
    service = get_service(service_id)
    versions = listed.versions(service.id)
    on_text = request.args.get("on", "").strip()
    try:
        on = date.fromisoformat(on_text) if on_text else None
    except ValueError:
        on = None
        flash("Give the date as year-month-day, like 2026-03-01.", "error")
    then = listed.version_on(versions, on) if on else None
    links = listed.links(current_user, [v.id for v in versions])
    return render_template(
        "services/rules.html",
        service=service,
        versions=versions,
        links=links,
        on=on,
        on_text=on_text,
        then=then,
        cycles=cycles_on_service(current_user, service.id),
    )


@bp.get("/services/changes")
def changes():
    require(rules.can_see_services(current_user))
    page = listed.changes_page(page_number(request.args), current_app.config["PAGE_SIZE"])
    return render_template("services/changes.html", page=page)


def organisation_choices():
    if rules.is_steward(current_user):
        return [(o.id, o.name) for o in Organisation.by_name().where(Organisation.active == True)]
    return [(current_user.organisation_id, current_user.organisation.name)]


def rule_from(form):
    return services.Rule(
        eligibility=form.eligibility.data,
        referrers=form.referrers.data or [],
        refer_by=form.refer_by.data or [],
        hours=form.hours.data or "",
        effective_from=form.effective_day,
        why=form.why.data or "",
        thread_ids=form.threads.ids,
        barrier_ids=form.barriers.ids,
    )


def details_from(form):
    return {name: form[name].data or ([] if name == "areas" else "") for name in services.SERVICE_FIELDS}


def check_links(form):
    """The threads must be ones this person may see, and the barriers must exist; else an error by the field."""
    threads = form.threads.ids
    seen = {t.id for t in visible_threads(current_user).where(Thread.id.in_(threads))} if threads else set()
    if set(threads) - seen:
        form.threads.errors.append("There is no thread %s that you can see" % min(set(threads) - seen))
    barriers = form.barriers.ids
    known = {b.id for b in Barrier.select(Barrier.id).where(Barrier.id.in_(barriers))} if barriers else set()
    if set(barriers) - known:
        form.barriers.errors.append("There is no barrier %s" % min(set(barriers) - known))
    return not (form.threads.errors or form.barriers.errors)


@bp.route("/services/new", methods=["GET", "POST"])
def new():
    require(rules.can_add_service(current_user))
    form = ServiceForm(organisations=organisation_choices(), organisation=current_user.organisation_id)
    if form.validate_on_submit() and check_links(form):
        service = services.add_service(current_user, form.organisation.data, details_from(form), rule_from(form))
        flash("The service is added.", "success")
        return redirect(url_for(".show", service_id=service.id), 303)
    return render_template("services/edit.html", form=form, service=None), 422 if form.is_submitted() else 200


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
def edit(service_id):
    service = get_service(service_id)
    require(rules.can_edit_service(current_user, service))
    rule = service.rule
    current = {
        "eligibility": rule.eligibility,
        "referrers": from_set(rule.referrers),
        "refer_by": from_set(rule.refer_by),
        "hours": rule.hours,
    }
    form = ServiceForm(
        organisations=[(service.organisation_id, service.organisation.name)],
        organisation=service.organisation_id,
        data={**{n: getattr(service, n) for n in ("name", "offers", "capacity", "contact", "status")}, **current}
        | {"areas": from_set(service.areas)},
    )
    if form.validate_on_submit() and check_links(form):
        rule = rule_from(form)
        if services.rule_changed(service, rule) and not rule.why:
            form.why.errors.append("Say why the rule changed")
        else:
            version = services.edit_service(service, current_user, details_from(form), rule)
            flash(
                "The service is saved%s." % (" with version %d of its rule" % version.number if version else ""),
                "success",
            )
            return redirect(url_for(".show", service_id=service.id), 303)
    return render_template("services/edit.html", form=form, service=service), 422 if form.is_submitted() else 200


@bp.post("/services/<int:service_id>/confirm")
def confirm(service_id):
    service = get_service(service_id)
    require(rules.can_confirm_service(current_user, service))
    services.confirm(service, current_user)
    flash("%s is confirmed as it is." % service.name, "success")
    return redirect(back_or(url_for(".show", service_id=service.id)), 303)
