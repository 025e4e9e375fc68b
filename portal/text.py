"""Markdown to sanitised HTML, done once when a post is written."""

import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def render_markdown(source):
    """Markdown in, HTML out with only allow-listed tags; links carry rel="nofollow noopener"."""
    tokens = _markdown.parse(source)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            # A post sits under the page's h1 and its own h2: its headings start at h3.
            token.tag = "h%d" % min(int(token.tag[1]) + 2, 6)
    return nh3.clean(
        _markdown.renderer.render(tokens, _markdown.options, {}),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


def slugify(name):
    """Lower-case, with every run of other characters as one hyphen: "St Helens" -> "st-helens"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].rstrip("-")
