"""A person to contact, for every partner: where a mention of them or their name on a post leads. The steward's
list and edit pages for people stay in people.py, behind the steward's check."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from .. import rules
from ..lists import people
from ..text import slugify

bp = Blueprint("profiles", __name__)


@bp.get("/people/<int:person_id>")
def show(person_id):
    person = people.person(person_id)
    if not rules.can_see_person(current_user, person):
        abort(404)
    return render_template("profiles/show.html", person=person, slugify=slugify)
