"""Pages anyone may read: the accessibility statement and the privacy notice; and the portal's icon."""

from flask import Blueprint, redirect, render_template, url_for

bp = Blueprint("pages", __name__)


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on their own before reading the page's icon link."""
    return redirect(url_for("static", filename="favicon.svg"), 301)
