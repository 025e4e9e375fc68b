"""The personal-data guard: finds what looks like details of a client in a post, so the writer can think again.

Each detector returns (kind, start, end) spans. Kept small and strict: a prompt that cries wolf gets ignored, so
every detector asks for more than a pattern where a pattern alone would catch ordinary text.
"""

import re
from bisect import bisect_left
from dataclasses import dataclass

from markupsafe import Markup, escape

PROMPTS = {
    "nhs": "an NHS number",
    "ni": "a National Insurance number",
    "dob": "a date of birth",
    "postcode": "a full postcode",
    "phone": "a phone number",
    "email": "an email address",
    "name": "a full name next to health or offending details",
}

NHS = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
NI = re.compile(r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.I)
# Every pattern here runs over whatever anyone types, so each must take time in proportion to the text: its
# repeats are bounded by a real limit or separated by a character they cannot share, so nothing is tried twice.
MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}"  # "sep" + "tember" is the longest
DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}|\d{1,2}(?:st|nd|rd|th)? " + MONTHS + r" (?:19|20)\d{2}"
DOB = re.compile(r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\s*(?::\s*)?(" + DATE + r")", re.I)
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
PHONE = re.compile(r"(?<![\w+])(?:\+44 ?\(?0?\)? ?|0)(?:7\d{3} ?\d{3} ?\d{3}|[1-3]\d{2,3} ?\d{3} ?\d{3,4})(?!\d)")
# At most 64 characters before the @ and 63 in each part of the domain, as the e-mail standards allow.
EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+\b")
NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
SENSITIVE = re.compile(
    r"\b(heroin|crack|cocaine|spice|methadone|overdosed?|alcoholic|addict(?:ion|ed)?|hiv|hepatitis|schizophreni\w*"
    r"|psychosis|psychotic|bipolar|sectioned|self-harm\w*|suicid\w*|dementia|pregnan\w*|prison|probation"
    r"|convicted|conviction|offence|offender|arrested|custody|tagged|asylum|deport\w*|overstay\w*)\b",
    re.I,
)
NEAR_NAME = 80  # characters either side of a name in which a health or offending word makes it a client's

# Capitalised pairs that are places, organisations or the start of a sentence, not people.
NOT_NAMES = {
    "st",
    "the",
    "city",
    "council",
    "borough",
    "region",
    "combined",
    "authority",
    "centre",
    "house",
    "army",
    "care",
    "trust",
    "nhs",
    "foundation",
    "mersey",
    "salvation",
    "liverpool",
    "knowsley",
    "sefton",
    "wirral",
    "halton",
    "helens",
    "whitechapel",
    "salisbury",
    "housing",
    "options",
    "outreach",
    "street",
    "road",
    "lane",
    "station",
    "hospital",
    "ward",
    "team",
    "service",
    "services",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "what",
    "we",
    "he",
    "she",
    "they",
    "this",
    "that",
    "our",
    "his",
    "her",
    "their",
    "it",
    "a",
    "an",
    "and",
    "but",
    "if",
    "on",
    "in",
    "at",
    "from",
    "to",
    "for",
    "with",
    "is",
    "was",
    "can",
    "could",
    "would",
    "should",
    "will",
    "yes",
    "no",
    "thanks",
    "thank",
    "hi",
    "hello",
    "dear",
    "mental",
    "health",
    "assertive",
    "trailblazer",
    "panel",
    "duty",
    "bed",
    "beds",
    "night",
    "day",
    "week",
    "month",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def nhs_number_valid(digits):
    """The NHS number modulus 11 check."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def findings(text):
    """Every likely piece of a client's personal data in `text`, in order."""
    found = [Finding("nhs", m.start(), m.end()) for m in NHS.finditer(text) if nhs_number_valid("".join(m.groups()))]
    found += [Finding("ni", m.start(), m.end()) for m in NI.finditer(text)]
    found += [Finding("dob", m.start(), m.end()) for m in DOB.finditer(text)]
    found += [Finding("postcode", m.start(), m.end()) for m in POSTCODE.finditer(text)]
    found += [Finding("phone", m.start(), m.end()) for m in PHONE.finditer(text)]
    found += [Finding("email", m.start(), m.end()) for m in EMAIL.finditer(text)]
    names = [m for m in NAME.finditer(text) if not {m.group(1).lower(), m.group(2).lower()} & NOT_NAMES]
    if names:
        # Where the health or offending words are, found once: looking again around each name would read a text
        # of capitalised words many times over.
        sensitive = [m.start() for m in SENSITIVE.finditer(text)]
        found += [
            Finding("name", m.start(), m.end())
            for m in names
            if _any_within(sensitive, m.start() - NEAR_NAME, m.end() + NEAR_NAME)
        ]
    return _without_overlaps(sorted(found, key=lambda f: (f.start, -f.end)))


def _any_within(starts, first, last):
    """Whether any of the sorted `starts` is from `first` up to `last`."""
    at = bisect_left(starts, first)
    return at < len(starts) and starts[at] < last


def _without_overlaps(found):
    kept = []
    for finding in found:
        if not kept or finding.start >= kept[-1].end:
            kept.append(finding)
    return kept


def kinds(found):
    return sorted({f.kind for f in found})


def describe(found):
    """ "a phone number and an email address" """
    names = [PROMPTS[kind] for kind in kinds(found)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def highlight(text, found):
    """The text, escaped, with each finding in <mark>."""
    parts, at = [], 0
    for finding in found:
        parts.append(escape(text[at : finding.start]))
        parts.append(Markup("<mark>%s</mark>") % text[finding.start : finding.end])
        at = finding.end
    parts.append(escape(text[at:]))
    return Markup("").join(parts)
