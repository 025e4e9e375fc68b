"""The personal-data guard: finds what looks like details of a client in a post, so the writer can think again.

Each detector returns (kind, start, end) spans. Kept small and strict: a prompt that cries wolf gets ignored, so
every detector asks for more than a pattern where a pattern alone would catch ordinary text.
"""

import re
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
    "address": "a street address",
    "age": "an age next to a name",
    "id_number": "a hospital, custody, prison or case-management number",
}

NHS = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
NI = re.compile(r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.I)
MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}|\d{1,2}(?:st|nd|rd|th)? " + MONTHS + r" (?:19|20)\d{2}"
DOB = re.compile(r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\s*:?\s*(" + DATE + r")", re.I)
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
PHONE = re.compile(r"(?<![\w+])(?:\+44 ?\(?0?\)? ?|0)(?:7\d{3} ?\d{3} ?\d{3}|[1-3]\d{2,3} ?\d{3} ?\d{3,4})(?!\d)")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
SENSITIVE = re.compile(
    r"\b(heroin|crack|cocaine|spice|methadone|overdosed?|alcoholic|addict(?:ion|ed)?|hiv|hepatitis|schizophreni\w*"
    r"|psychosis|psychotic|bipolar|sectioned|self-harm\w*|suicid\w*|dementia|pregnan\w*|prison|probation"
    r"|convicted|conviction|offence|offender|arrested|custody|tagged|asylum|deport\w*|overstay\w*)\b",
    re.I,
)
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
    for match in NAME.finditer(text):
        if {match.group(1).lower(), match.group(2).lower()} & NOT_NAMES:
            continue
        window = text[max(match.start() - 80, 0) : match.end() + 80]
        if SENSITIVE.search(window):
            found.append(Finding("name", match.start(), match.end()))
    return _without_overlaps(sorted(found, key=lambda f: (f.start, -f.end)))


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


def identifies_outright(found):
    """Whether the findings name someone beyond doubt: a number that is theirs alone, or a name with where they
    live or when they were born. A tick is not enough for these: the writer changes the text or says why."""
    kinds_found = {finding.kind for finding in found}
    return bool(kinds_found & {"nhs", "ni", "id_number"}) or (
        "name" in kinds_found and bool(kinds_found & {"dob", "address", "postcode"})
    )
