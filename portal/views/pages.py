"""Pages anyone may read: the accessibility statement and the privacy notice."""

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")
