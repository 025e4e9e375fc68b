"""Full page or fragment: one place decides, and every response says it varies on HX-Request."""

from flask import render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment():
    """An htmx request that is not a boosted navigation wants only the changed block."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def render(template, block, **context):
    """Render `block` of `template` for htmx, or the whole page otherwise."""
    if wants_fragment():
        return render_block(template, block, **context)
    return render_template(template, **context)


def add_vary(response):
    response.vary.add("HX-Request")
    return response
