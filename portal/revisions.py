"""A post's versions, newest first, each with the words that changed from the one before: its history page.

Every version is read from what is stored (the post and its revisions), which a redaction has already changed, so
no version or difference can show redacted text again. No Flask here.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from .models import PostRevision, User

TOKEN = re.compile(r"\s+|\S+")
# SequenceMatcher's time grows with the product of the two texts' lengths in words, and faster on repeated words:
# past this, the changed middle of a long edit shows as removed and added whole, so no history holds a worker.
LONGEST_DIFF = 40_000


@dataclass(frozen=True)
class Version:
    number: int
    body: str
    by: User
    at: datetime
    by_steward: bool  # someone other than the author wrote it: only the steward may
    changes: list  # (kind, text) with kind "same", "added" or "removed"; empty for the first version


def word_changes(before, after):
    """What changed from `before` to `after`, word by word, as (kind, text) pieces in reading order. Changes of
    spacing alone show as the new spacing, not as a change."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    pieces = []
    for op, i1, i2, j1, j2 in _opcodes(old, new):
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        if op == "equal" or (not removed.strip() and not added.strip()):
            pieces.append(("same", added))
            continue
        if removed.strip():
            pieces.append(("removed", removed))
        if added:
            pieces.append(("added" if added.strip() else "same", added))
    changes = []
    for kind, text in pieces:
        if changes and changes[-1][0] == kind:
            changes[-1] = (kind, changes[-1][1] + text)
        elif text:
            changes.append((kind, text))
    return changes


def _opcodes(old, new):
    """SequenceMatcher's opcodes, computed only over what lies between the words both texts start and end with."""
    shorter = min(len(old), len(new))
    start = next((n for n in range(shorter) if old[n] != new[n]), shorter)
    end = next((n for n in range(shorter - start) if old[-1 - n] != new[-1 - n]), shorter - start)
    # keep the spaces at either edge in the middle, as a change of words carries its space before it
    start -= 1 if start and old[start - 1].isspace() else 0
    end -= 1 if end and old[len(old) - end].isspace() else 0
    old_end, new_end = len(old) - end, len(new) - end
    ops = [("equal", 0, start, 0, start)] if start else []
    if (old_end - start) * (new_end - start) <= LONGEST_DIFF:
        middle = SequenceMatcher(None, old[start:old_end], new[start:new_end], autojunk=False).get_opcodes()
        ops += [(op, i1 + start, i2 + start, j1 + start, j2 + start) for op, i1, i2, j1, j2 in middle]
    else:
        ops.append(("replace", start, old_end, start, new_end))
    if end:
        ops.append(("equal", old_end, len(old), new_end, len(new)))
    return ops


def history(post, author):
    """Every version of `post` (written by `author`), newest first."""
    revisions = list(
        PostRevision.select(PostRevision.body, PostRevision.created, User.id, User.name)
        .join(User)
        .where(PostRevision.post == post.id)
        .order_by(PostRevision.created, PostRevision.id)
    )
    # a revision keeps the text its edit replaced: who made that edit, and when, made the version after it
    bodies = [revision.body for revision in revisions] + [post.body]
    makers = [(author, post.created)] + [(revision.editor, revision.created) for revision in revisions]
    versions = [
        Version(
            number + 1,
            body,
            by,
            at,
            by.id != author.id,
            word_changes(bodies[number - 1], body) if number else [],
        )
        for number, (body, (by, at)) in enumerate(zip(bodies, makers, strict=True))
    ]
    return versions[::-1]
