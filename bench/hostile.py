"""Hostile text: how long each path that reads what people send takes on inputs shaped to make it read the same
characters again and again, at 5, 10 and 20 KB. Work that grows with the text takes twice as long on twice the
text (20 KB over 5 KB: about 4); work that re-reads from every start takes four times as long (about 16).
tests/test_hostile_text.py sends the same families through every endpoint.

    .venv/bin/python -m bench.hostile             # every family
    .venv/bin/python -m bench.hostile --slowest   # the slowest family of each path
"""

import argparse
import sqlite3
import time
from contextlib import suppress
from email.message import EmailMessage
from functools import partial

from portal import guard, inbound, notify, search, text

SIZES = (5_000, 10_000, 20_000)


def run_of(size, unit, before="", after=""):
    """`before`, `unit` again and again, then `after`: `size` characters at most."""
    return before + unit * ((size - len(before) - len(after)) // len(unit)) + after


def families(size):
    """{path: {family: text of `size` characters}}. Runs of whitespace end in a word, so that a form's stripping
    leaves them in."""
    run = partial(run_of, size)
    guard_words = ("dob", "DOB:", "d.o.b.", "born", "born on", "date of birth")
    return {
        "guard": {
            **{"%s then spaces" % word: run(" ", word, "x") for word in guard_words},
            "dob then line breaks and tabs": run("\n\t ", "dob", "x"),
            "dob then a month that never ends": run("r", "dob 1 janua"),
            "a. repeated": run("a."),
            "a@ repeated": run("a@"),
            "an address with endless domain parts": run("b.", "a@"),
            "an address with one endless domain part": run("b", "a@"),
            "hyphenated capitals": run("Abc-"),
            "a run of digits": run("1"),
            "1 1 1": run("1 ", after="1"),
            "0 then 1 1 1": run("1 ", "0", "1"),
            "+44 repeated": run("+44 ", after="1"),
            "NI number starts": run("AB 12 ", after="C"),
            "capitalised words": run("Abc ", after="Abc"),
            "names next to health words": run("John Smith heroin "),
        },
        "markdown": {
            **{
                "%r repeated" % unit: run(unit)
                for unit in ("[", "*", "_", "`", "<", ">", "![", "](", "[a](", "*a", "_a", "**a", "[\n", "`a", "&#")
            },
            "backslashes": run("\\"),
            "nested quotes": run("> ", after="x"),
            "nested lists": run("- ", after="x"),
            "link definitions": run("[a]: ", after="x"),
            "open fences": run("~~~\n", after="x"),
            "open comments": run("<!--"),
            "links with open titles": run('[a](b "'),
        },
        "search query": {
            "one long word": run("x"),
            "search operators": run('" * NEAR( OR AND NOT - ^ : ( ) { } '),
            "many short words": run("ab "),
            "quote marks": run('"'),
            "the highlighter's marks": run("\ue000a\ue001"),
            "like wildcards": run("%_"),
            "at signs": run("@"),
            "digits and dots": run("1."),
        },
        "mentions": {
            "at signs": run("@"),
            "handles with hyphens": run("@a-"),
            "handles that never end": run("a-", "@"),
            "addresses": run("a@b"),
        },
        # A reply by e-mail, with lines that look like the start of a quote or a signature but are not.
        "email text": {
            "On, never wrote": run("x", "Thanks\nOn "),
            "wrote: again and again": run(" wrote:", "Thanks\nOn x", " y"),
            "From: then spaces": run(" ", "Thanks\nFrom:", "x"),
            "dashes": run("-", "Thanks\n", "x"),
            "underscores": run("_", "Thanks\n", "x"),
            "quoted lines": run("> \n", "Thanks\n"),
            "short lines like quotes": run("On x wrote: y\n", "Thanks\n"),
        },
        "email html": {
            "line breaks": run("<br", "Thanks"),
            "a line break with endless spaces": run(" ", "Thanks<br", "x"),
            "paragraph ends": run("</p", "Thanks"),
        },
        # A post whose every word matches, searched: the snippet SQLite cuts from it.
        "search snippet": {"a post of 1 1 1": run("1 ", after="1"), "a post of beds beds": run("beds ")},
    }


def email_text(value, subtype="plain"):
    """The text a reply by e-mail would post (or the bounce for one that is all quote)."""
    message = EmailMessage()
    message.set_content(value, subtype=subtype)
    with suppress(inbound.Refused):
        inbound.message_text(message)


def snippet(post):
    """The snippet of `post` as a search for its first word cuts it, from SQLite's highlighting of the post."""
    database = sqlite3.connect(":memory:")
    database.execute("CREATE VIRTUAL TABLE post USING fts5(body)")
    database.execute("INSERT INTO post (body) VALUES (?)", (post,))
    query = '"%s"' % post.split()[0]
    (highlighted,) = database.execute(
        "SELECT highlight(post, 0, ?, ?) FROM post WHERE post MATCH ?",
        (
            search.OPEN,
            search.CLOSE,
            query,
        ),
    ).fetchone()
    database.close()
    return search.excerpt(highlighted)


PATHS = {
    "guard": lambda value: guard.highlight(value, guard.findings(value)),
    "markdown": text.render_markdown,
    "search query": search.words,
    "mentions": notify.MENTION.findall,
    "email text": email_text,
    "email html": lambda value: email_text(value, "html"),
    "search snippet": snippet,
}


def timed(run, value):
    started = time.perf_counter()
    run(value)
    return time.perf_counter() - started


def measure():
    """[(path, family, [seconds at each of SIZES])]: the best of three runs each."""
    by_size = [families(size) for size in SIZES]
    return [
        (path, family, [min(timed(PATHS[path], inputs[path][family]) for _ in range(3)) for inputs in by_size])
        for path in PATHS
        for family in by_size[0][path]
    ]


def table(rows):
    lines = [
        "| path | input | %s | 20 KB ÷ 5 KB |" % " | ".join("%d KB" % (size // 1000) for size in SIZES),
        "|---|---|%s---|" % ("---|" * len(SIZES)),
    ]
    for path, family, seconds in rows:
        times = " | ".join("%.1f ms" % (s * 1000) for s in seconds)
        lines.append("| %s | %s | %s | %.1f |" % (path, family.replace("|", "\\|"), times, seconds[-1] / seconds[0]))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slowest", action="store_true", help="only the slowest family of each path at 20 KB")
    rows = measure()
    if parser.parse_args().slowest:
        rows = [max((row for row in rows if row[0] == path), key=lambda row: row[2][-1]) for path in PATHS]
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
