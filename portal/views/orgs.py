"""Organisations: the list, each organisation's page with who to contact there, and the steward's add and edit."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN, fn

from .. import accounts, notify, rules
from ..forms import OrganisationForm
from ..htmx import render
from ..lists import services
from ..lists.pages import visible_threads
from ..lists.people import contacts
from ..lists.rows import attach_addressees
from ..models import LIVE_STATUSES, Organisation, Post, Thread, User
from ..paging import Page, page_number

bp = Blueprint("orgs", __name__)


def get_organisation(slug):
    organisation = Organisation.get_or_none(Organisation.slug == slug)
    if organisation is None:
        abort(404)
    return organisation


def require_steward():
    if not rules.can_manage_organisations(current_user):
        abort(403)


@bp.get("/orgs")
def index():
    people = fn.COUNT(User.id).alias("people")
    organisations = (
        Organisation.select(Organisation, people)
        .join(User, JOIN.LEFT_OUTER, on=(User.organisation == Organisation.id) & (User.active == True))
        .group_by(Organisation)
        .order_by(Organisation.name)
    )
    return render_template("orgs/index.html", organisations=organisations)


@bp.get("/orgs/<slug>")
def show(slug):
    organisation = get_organisation(slug)
    size = current_app.config["PAGE_SIZE"]
    visible = visible_threads(current_user).where(Thread.organisation == organisation.id)
    requests = Page.of(
        visible.where(Thread.status.in_(LIVE_STATUSES)).order_by(Thread.created, Thread.id),
        page_number(request.args, "requests"),
        size,
    )
    posts = Page.of(
        Post.with_authors()
        .switch(Post)
        .join(Thread)
        .where((Post.organisation == organisation.id) & rules.visible_filter(current_user))
        .order_by(Post.created.desc(), Post.id.desc())
        .select_extend(Thread.id, Thread.title, Thread.kind),
        page_number(request.args, "posts"),
        size,
    )
    people = contacts(organisation, page_number(request.args, "people"), size)
    offered = services.for_organisation(organisation.id) if part_wanted() == "content" else []
    attach_addressees(requests.items)
    return render(
        "orgs/show.html",
        part_wanted(),
        organisation=organisation,
        requests=requests,
        posts=posts,
        people=people,
        services=offered,
        watching=notify.watch_level(current_user, organisation) == "watch",
    )


def part_wanted():
    part = request.args.get("part")
    return part if part in ("requests", "posts", "people") else "content"


@bp.route("/orgs/new", methods=["GET", "POST"])
def new():
    require_steward()
    return edit_form(OrganisationForm(), None)


@bp.route("/orgs/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    require_steward()
    organisation = get_organisation(slug)
    return edit_form(OrganisationForm(obj=organisation, organisation=organisation), organisation)


def edit_form(form, organisation):
    if form.validate_on_submit():
        fields = ("name", "slug", "kind", "checkin_day", "phone", "email", "active")
        data = {field: form[field].data for field in fields}
        organisation = accounts.save_organisation(data, current_user, organisation)
        flash("%s is saved." % organisation.name, "success")
        return redirect(url_for(".show", slug=data["slug"]), 303)
    return render_template("orgs/edit.html", form=form, organisation=organisation), (
        422 if form.is_submitted() else 200
    )
