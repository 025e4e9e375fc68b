"""Markdown to sanitised HTML, done once when a post is written."""

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

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
# @their-name or @organisation-slug, not part of an e-mail address or a web address
MENTION = re.compile(r"(?<![\w@./])@([a-z0-9]+(?:-[a-z0-9]+)*)", re.IGNORECASE)


def render_markdown(source, mentions=None):
    """Markdown in, HTML out with only allow-listed tags; links carry rel="nofollow noopener". Each @handle that
    `mentions` maps (lower-cased) to a path of this site becomes a link there, outside code and other links."""
    tokens = _markdown.parse(source)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            # A post sits under the page's h1 and its own h2: its headings start at h3.
            token.tag = "h%d" % min(int(token.tag[1]) + 2, 6)
        if mentions and token.type == "inline" and token.children:
            token.children = _linked_mentions(token.children, mentions)
    return nh3.clean(
        _markdown.renderer.render(tokens, _markdown.options, {}),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"a": {"mention"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


def _linked_mentions(children, mentions):
    linked, inside_link = [], 0
    for child in children:
        inside_link += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        if child.type != "text" or inside_link:
            linked.append(child)
            continue
        at = 0
        for found in MENTION.finditer(child.content):
            path = mentions.get(found.group(1).lower())
            if path is None:
                continue
            linked.append(Token("text", "", 0, content=child.content[at : found.start()]))
            linked.append(Token("link_open", "a", 1, attrs={"href": path, "class": "mention"}))
            linked.append(Token("text", "", 0, content=found.group(0)))
            linked.append(Token("link_close", "a", -1))
            at = found.end()
        linked.append(Token("text", "", 0, content=child.content[at:]))
    return linked


def slugify(name):
    """Lower-case, with every run of other characters as one hyphen: "St Helens" -> "st-helens"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].rstrip("-")
