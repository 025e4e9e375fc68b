"""The personal-data guard: finds what looks like details of a client in a post, so the writer can think again.

Each detector returns Findings (kind, start, end). A prompt that cries wolf gets ignored, so the guard knows who
is not a client (everyone with an account, the organisations, the region's places and the partnership's own
numbers and e-mail domains) and leaves alone what the portal asks people to write: initials and case references.
Every pattern reads the text once: each repetition is bounded, or anchored where it cannot start again inside
itself. docs/guard.md says what it looks for and why.
"""

import gzip
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from .clock import now

PROMPTS = {
    "name": "a name",
    "address": "a street address",
    "postcode": "a full postcode",
    "dob": "a date of birth",
    "age": "an age next to a name",
    "nhs": "an NHS number",
    "ni": "a National Insurance number",
    "id_number": "a hospital, custody, prison or case-management number",
    "phone": "a phone number",
    "email": "an email address",
}

DATA = Path(__file__).parent / "data"

NHS = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
NI = re.compile(r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.I)
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")

# Dates of birth: a label, then a date within a few words of it.
DOB_LABEL = re.compile(r"\b(?:d\.?o\.?b\b\.?|date of birth|born(?: on| in)?\b)", re.I)
DAY = r"(?:[12]\d|3[01]|0?[1-9])"
MONTH = r"(?:1[0-2]|0?[1-9])"
MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?"
ORDINAL = r"(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d{2}"
DATE = re.compile(
    rf"\b(?:{DAY}[/.-]{MONTH}[/.-](?:19|20)?\d{{2}}|{YEAR}-{MONTH}-{DAY}"
    rf"|{DAY}{ORDINAL} {{1,2}}(?:of )?{MONTH_NAME},? {{1,2}}{YEAR}|{MONTH_NAME} {{1,2}}{DAY}{ORDINAL},? {{1,2}}{YEAR})"
    r"(?![\d/.-]\d)",
    re.I,
)
BIRTH_YEAR = re.compile(rf"\b{YEAR}\b")
AFTER_NAME = re.compile(r"(?:, ?| ?\( ?| (?:dob|d\.o\.b\.?) ?)?", re.I)
LABEL_REACH = 50  # how far after "DOB" or "born" its date may be

# Hospital, custody, prison and case-management numbers, when labelled as such. Not "ref" or "case ref" alone:
# the portal asks people to write their own case references.
ID_NUMBER = re.compile(
    r"(?i:\b(?:hospital|hosp|unit|patient|mrn|rxn|custody|prison(?:er)?|nomis|crn|pnc|mosaic|liquidlogic|lcs|eclipse)"
    r"(?:\s{1,2}(?:no\b\.?|number|num|id|ref\b\.?|reference|is|:|#)){0,3})[\s:#.]{0,3}"
    r"((?:[A-Z]{1,4}\d? )?[A-Z0-9]{0,3}\d[A-Z0-9/-]{2,14})\b"
)

STREET_TYPES = (
    "Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Grove|Crescent|Terrace|Place|Way|Court|Gardens|Walk|Square|"
    "Brow|Hill|Row|View|Mews|Parade|Rise|Green|Vale|Boulevard|Wharf|Fold|Croft|Meadow|Heights|Approach"
)
ADDRESS = re.compile(
    r"(?:\b(?:Flat|Apartment|Apt|Room|Unit) {1,2}\d{1,4}[A-Za-z]?,? {1,2}"
    r"(?:[A-Z][a-z]{1,20} (?:House|Court|Building|Tower|Lodge|Mews),? {1,2})?)?"
    r"\b\d{1,4}[A-Za-z]?,? {1,2}((?:[A-Z][a-z'’]{1,20}[ -]){1,3}(?:" + STREET_TYPES + r"))\b"
)
# A service's building just before an address: "Salisbury House, 12 Salisbury Street".
SERVICE_BUILDING = re.compile(
    r"\b[A-Z][a-z'’]{1,20} (?:House|Centre|Center|Hall|Hub|Hostel|Church|Lodge|Project|Chambers|Building),? {1,2}$"
)
# Words before an address on a service's street that make it someone's home all the same.
HOME = re.compile(r"(?i:\b(?:lives?|living|staying|stays|address|c/o|flat|his|her|their|mum|nan|dad|sister|brother|"
                  r"cousin|friend)\b)")  # fmt: skip

PHONE = re.compile(
    r"(?<![\w+])(?:\+44 ?(?:\(0\) ?)?|0)(?:7\d{3}[ -]?\d{3}[ -]?\d{3}|[12]\d{2,3}[ -]?\d{3}[ -]?\d{3,4})(?![\d-])"
)
# Words before a landline that make it a service's: a client's is their own or their family's.
WORK_LINE = re.compile(
    r"(?i:\b(?:switchboard|office|reception|duty|team|line|helpline|desk|hub|centre|service|out of hours|ooh|council"
    r"|ward|department|dept|clinic|surgery|practice)\b)"
)
EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]{1,64})@([\w-]{1,63}(?:\.[\w-]{1,63}){1,6})(?![\w-])")
# Mailboxes of a team, not a person, wherever they are.
TEAM_MAILBOXES = {
    "admin", "advice", "bookings", "contact", "duty", "dutyteam", "enquiries", "enquiry", "hello", "help",
    "homeless", "homelessness", "housing", "housingoptions", "info", "office", "outreach", "reception", "referral",
    "referrals", "safeguarding", "support", "team",
}  # fmt: skip
# Anyone may have an address at these: an account's address here is known, but not the whole domain.
WEBMAIL = {
    "aol.com", "btinternet.com", "gmail.com", "gmx.com", "googlemail.com", "hotmail.co.uk", "hotmail.com",
    "icloud.com", "live.co.uk", "live.com", "mail.com", "me.com", "outlook.com", "proton.me", "protonmail.com",
    "sky.com", "talktalk.net", "virginmedia.com", "yahoo.co.uk", "yahoo.com",
}  # fmt: skip

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "mister"}
# Capitalised words that are never part of a person's name in partnership talk.
NOT_NAMES = {
    "st", "saint", "street", "road", "lane", "avenue", "close", "drive", "grove", "crescent", "terrace", "place",
    "way", "gardens", "square", "station", "hospital", "house", "centre", "center", "council",
    "borough", "city", "region", "combined", "authority", "trust", "foundation", "nhs", "army", "team", "service",
    "services", "housing", "options", "outreach", "hub", "shelter", "hostel", "project", "partnership", "university",
    "college", "school", "church", "cathedral", "mosque", "park", "hall", "building", "office", "night", "day",
    "week", "month", "year", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "christmas", "easter", "universal", "credit", "care", "health", "mental", "probation", "police",
    "prison", "court", "hmp", "first", "second", "direct", "line", "link", "plus", "pool", "property",
}  # fmt: skip
# Phrases after which a capitalised word is someone's name, even alone.
NAMED = re.compile(
    r"(?i:\b(?:client|service user|name is|named|called|known as|aka|referral for|referring|update on)\b)[: ]{1,3}"
)
AGE = re.compile(
    r"(?:['’]s)?(?:, ?| ?\( ?| (?:is|aged?) )(?:aged? )?(\d{1,3})(?: ?(?:years?|yrs?)(?: old)?)?(?: ?\))?"
    r"(?![\d:/.%]| ?(?:am|pm|weeks?|days?|nights?|hours?|times|months?|people|beds?)\b)"
)
# What makes a given name on its own a client's: their health, drugs, arrest, eviction or age, in the same sentence
# ("Darren has a leg ulcer", "Dylan is 19 and sofa surfing"). Not the words of services ("the hospital discharge
# lead", "the rough sleeping team"), which name staff as often as clients.
DETAIL = re.compile(
    r"(?i:\b(?:heroin|crack|cocaine|spice|methadone|overdos\w{0,4}|drinking|using again|relapsed?|ulcers?|wounds?"
    r"|injured|diabetic|epileptic|seizures?|schizophreni\w{0,3}|psychotic|bipolar|sectioned|self-harm\w{0,3}"
    r"|suicidal|ending it|dementia|pregnant|arrested|tagged|recalled|evicted|sofa surfing|slept out|sleeping out"
    r"|street homeless|no fixed abode|nfa|in a tent|(?:he|she|they)['’]?(?:s| is| are) \d{1,2}\b"
    r"|\d{1,2}[- ]year[- ]old|aged \d{1,2})\b)"
)
SENTENCE_END = re.compile(r"[.!?\n]")
# A name is a word or three: a longer run of capitals is a heading or an organisation.
LONGEST_NAME = 3


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Known:
    """What the portal knows is not a client: people with accounts, organisations and their contact details."""

    names: frozenset = frozenset()  # full names, lower-cased
    first_names: frozenset = frozenset()
    first_and_last: frozenset = frozenset()  # (first, last) of each full name: "Sarah O'Neill" is "Sarah Jane O'Neill"
    organisations: tuple = ()  # names, lower-cased
    phones: frozenset = frozenset()  # digits, as dialled in the UK
    addresses: frozenset = frozenset()  # e-mail addresses, lower-cased
    domains: frozenset = frozenset()

    @classmethod
    def of(cls, people=(), organisations=()):
        """From (name, e-mail) or (name, e-mail, shown work phone) of each person and (name, phone numbers,
        e-mail) of each organisation."""
        names = {" ".join(WORD.findall(name.lower())) for name, *_ in people}
        addresses = {email.strip().lower() for _, email, *_ in people}
        addresses |= {email.strip().lower() for _, _, email in organisations if email}
        phones = {digits for _, numbers, _ in organisations for digits in phone_numbers(numbers or "")}
        phones |= {digits for _, _, *phone in people for digits in phone_numbers((phone or [""])[0] or "")}
        return cls(
            names=frozenset(names),
            first_names=frozenset(name.split()[0] for name in names if name),
            first_and_last=frozenset((name.split()[0], name.split()[-1]) for name in names if name),
            organisations=tuple(name.lower() for name, _, _ in organisations),
            phones=frozenset(phones),
            addresses=frozenset(addresses),
            domains=frozenset(address.rpartition("@")[2] for address in addresses) - WEBMAIL,
        )


def phone_numbers(text):
    """Each phone number in `text` as the digits dialled from a UK phone: "+44 (0)151 233 3000" is 01512333000."""
    numbers = []
    for part in re.split(r"[,;/]| or ", text):
        digits = "".join(c for c in part.replace("(0)", "") if c.isdigit())
        if part.strip().startswith("+44"):
            digits = "0" + digits[2:]
        if len(digits) >= 6:
            numbers.append(digits)
    return numbers


def known_to_portal():
    """What the portal knows is not a client, read from the database: two queries. The as-you-type check and the
    check on submit both read it here, so they give the same answer."""
    from peewee import Case

    from .models import Organisation, User

    # a work phone its owner chose to show partners is the partnership's own; one kept hidden is not known here
    shown_phone = Case(None, [(User.show_phone, User.work_phone)], "")
    people = User.select(User.name, User.email, shown_phone).tuples()
    organisations = Organisation.select(Organisation.name, Organisation.phone, Organisation.email).tuples()
    return Known.of(list(people), list(organisations))


@cache
def word_lists():
    """The shipped lists (they never change while the portal runs): given names, surnames, ordinary words, and
    the gazetteer's places, streets and postcodes."""

    def listing(name):
        with gzip.open(DATA / name, "rt", encoding="utf-8") as file:
            return frozenset(line.strip() for line in file if line.strip())

    sections, section = {"places": set(), "streets": set(), "postcodes": set()}, None
    for line in (DATA / "merseyside.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = sections[line[1:-1]]
        elif line and not line.startswith("#"):
            section.add(" ".join(WORD.findall(line.lower())) if section is not sections["postcodes"] else line)
    places = frozenset(sections["places"])
    return {
        "given": listing("given-names.txt.gz"),
        "surnames": listing("surnames.txt.gz"),
        "common": listing("common-words.txt.gz"),
        "places": places,
        "place_words": frozenset(word for place in places for word in place.split()),
        "streets": frozenset(sections["streets"]),
        "postcodes": frozenset(code.replace(" ", "") for code in sections["postcodes"]),
    }


def findings(text, known=None):
    """Every likely piece of a client's personal data in `text`, in order and not overlapping. `known` is what the
    portal knows is not a client (a Known); without it, it is read from the database."""
    known = known_to_portal() if known is None else known
    lists = word_lists()
    names = _names(text, known, lists)
    found = names + _ages(text, names)
    found += [Finding("nhs", m.start(), m.end()) for m in NHS.finditer(text) if nhs_number_valid("".join(m.groups()))]
    found += [Finding("ni", m.start(), m.end()) for m in NI.finditer(text)]
    found += _dates_of_birth(text)
    found += [Finding("id_number", m.start(1), m.end(1)) for m in ID_NUMBER.finditer(text)]
    found += _addresses(text, lists)
    found += [
        Finding("postcode", m.start(), m.end())
        for m in POSTCODE.finditer(text)
        if m.group().replace(" ", "") not in lists["postcodes"]
    ]
    found += _phones(text, known)
    found += _emails(text, known)
    return _without_overlaps(sorted(found, key=lambda f: (f.start, -f.end)))


def nhs_number_valid(digits):
    """The NHS number modulus 11 check."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _dates_of_birth(text):
    found = []
    for label in DOB_LABEL.finditer(text):
        date = (
            None if label.group().lower().endswith(" in") else DATE.search(text, label.end(), label.end() + LABEL_REACH)
        )
        if date is None and label.group().lower().startswith("born"):
            date = BIRTH_YEAR.match(text, label.end() + 1, label.end() + 6)  # "born in 1958", "born 1975"
        if date:
            between = text[label.end() : date.start()].lower()
            next_to_it = len(between) <= 6 and not any(c.isalpha() for c in between.replace("is", ""))
            found.append(Finding("dob", label.start() if next_to_it else date.start(), date.end()))
    return found


def _addresses(text, lists):
    found = []
    for match in ADDRESS.finditer(text):
        street = " ".join(WORD.findall(match.group(1).lower()))
        before = text[max(match.start() - 40, 0) : match.start()]
        service = street in lists["streets"] or SERVICE_BUILDING.search(before)
        if service and not HOME.search(text, max(match.start() - 30, 0), match.start()):
            continue  # a service's address: a street of the gazetteer's, or straight after a service's building
        found.append(Finding("address", match.start(), match.end()))
    return found


def _phones(text, known):
    found = []
    for match in PHONE.finditer(text):
        (digits,) = phone_numbers(match.group())
        if digits in known.phones:
            continue
        if not digits.startswith("07") and WORK_LINE.search(text, max(match.start() - 40, 0), match.start()):
            continue  # a service's landline: "the duty line on 0151 ..."
        found.append(Finding("phone", match.start(), match.end()))
    return found


def _emails(text, known):
    found = []
    for match in EMAIL.finditer(text):
        mailbox, domain = match.group(1).lower(), match.group(2).lower()
        if "%s@%s" % (mailbox, domain) in known.addresses or mailbox in TEAM_MAILBOXES:
            continue
        if any(domain == own or domain.endswith("." + own) for own in known.domains):
            continue
        found.append(Finding("email", match.start(), match.end()))
    return found


def _names(text, known, lists):
    """People's names: a given name and a surname; a title and a name; a capitalised word after "client:",
    "her name is", "known as"; a given name with an age. Not the names of anyone with an account, nor places or
    organisations."""
    words = [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]
    found, after = [], 0
    for i, (_, start, _) in enumerate(words):
        if start < after:
            continue
        run = _name_at(text, words, i, known, lists)
        if run:
            found.append(Finding("name", run[0], run[1]))
            after = run[1]
    for cue in NAMED.finditer(text):
        word = WORD.match(text, cue.end())
        if word and _lone_name(word.group(), known, lists):
            found.append(Finding("name", word.start(), word.end()))
    return found + _given_names_near_details(text, words, known, lists)


def _given_names_near_details(text, words, known, lists):
    """Given names standing alone in the sentence around a personal detail, not anyone's with an account. Only
    200 characters either side of each detail are read, and each word once, so hostile text costs linear time."""
    starts = [start for _, start, _ in words]
    found, done = [], 0
    for detail in DETAIL.finditer(text):
        reach = max(detail.start() - 200, 0)
        ends = [m.end() for m in SENTENCE_END.finditer(text, reach, detail.start())]
        stop = SENTENCE_END.search(text, detail.end(), detail.end() + 200)
        first = max(bisect_left(starts, ends[-1] if ends else reach), done)
        done = max(bisect_left(starts, stop.start() if stop else detail.end() + 200), first)
        found += [
            Finding("name", word_start, word_end)
            for word, word_start, word_end in words[first:done]
            if _capitalised(word)
            and _base(word) in lists["given"]
            and _base(word) not in lists["common"]
            and _lone_name(word, known, lists)
        ]
    return found


def _name_at(text, words, i, known, lists):
    """The span of a person's name starting at words[i], or None."""
    word, start, end = words[i]
    base = _base(word)
    following = _following(text, words, i)
    if (
        _title(word, text[end : end + 1])
        and following
        and _capitalised(following[0][0])
        and _base(following[0][0]) not in NOT_NAMES
    ):
        named = []  # "Mr J Smith", "Mrs Elaine Hughes": every capitalised word of the name, not only the first
        for following_word in following[:LONGEST_NAME]:
            following_base = _base(following_word[0])
            if not _capitalised(following_word[0]) or following_base in NOT_NAMES or following_base in TITLES:
                break
            named.append(following_word)
        last = named[-1]
        return start, last[2] - (len(last[0]) - len(_stem(last[0])))
    if not _capitalised(word) or not following or not _capitalised(following[0][0]):
        if _capitalised(word) and base in lists["given"] and AGE.match(text, end) and base not in NOT_NAMES:
            return start, end  # "Tom, 34,"
        return None
    run = [words[i]] + [w for w in following[: LONGEST_NAME - 1] if _capitalised(w[0])]
    run = run[: next((n for n in range(1, len(run)) if not _capitalised(run[n][0])), len(run))]
    for size in range(min(len(run), LONGEST_NAME), 1, -1):
        if _is_name([_base(w[0]) for w in run[:size]], known, lists):
            last = run[size - 1]
            return start, last[2] - (len(last[0]) - len(_stem(last[0])))
    return None


def _is_name(parts, known, lists):
    phrase = " ".join(parts)
    if phrase in known.names or (parts[0], parts[-1]) in known.first_and_last:
        return False
    if phrase in lists["places"] or any(phrase in organisation for organisation in known.organisations):
        return False
    if any(part in NOT_NAMES or part in TITLES for part in parts) or parts[0] in lists["place_words"]:
        return False
    first, last = parts[0], parts[-1]
    if last in lists["places"] and last not in lists["surnames"]:
        return False
    if first in lists["given"]:
        # two given names and no surname ("Anne Marie") are someone's first names: staff are called so too
        return last in lists["surnames"] or last not in lists["common"] and last not in lists["given"]
    return first not in lists["common"] and len(first) > 2 and last in lists["surnames"] and last not in lists["given"]


def _lone_name(word, known, lists):
    """Whether a capitalised word after "known as" or "client:" is a client's name."""
    base = _base(word)
    return (
        _capitalised(word)
        and base not in NOT_NAMES
        and base not in known.first_names
        and base not in lists["place_words"]
        and not any(base in organisation.split() for organisation in known.organisations)
    )


def _following(text, words, i):
    """The words after words[i] that belong with it: separated by one space (or a title's full stop)."""
    following = []
    for j in range(i + 1, min(i + 1 + LONGEST_NAME, len(words))):
        gap = text[words[j - 1][2] : words[j][1]]
        title_stop = gap == ". " and j - 1 == i and words[i][0].lower() in TITLES  # "Mr. Brennan"
        if gap != " " and not title_stop or words[j - 1][0].lower().endswith(("'s", "’s")):
            break
        following.append(words[j])
    return following


def _ages(text, names):
    """Ages, and dates of birth, written just after a name: "Tom, 34", "Steven Roberts, 12/03/1980"."""
    found = []
    for name in names:
        match = AGE.match(text, name.end)
        if match and 10 <= int(match.group(1)) <= 110:
            found.append(Finding("age", match.start(1), match.end(1)))
        date = DATE.match(text, AFTER_NAME.match(text, name.end).end())
        year = date and BIRTH_YEAR.search(date.group())
        if date and (year is None or int(year.group()) <= now().year - 10):  # a date this decade is not a birth
            found.append(Finding("dob", date.start(), date.end()))
    return found


def _title(word, after):
    """Mr, Mrs, Ms, Mx or Dr, however written; Miss only as a title: capitalised, and not ending a sentence."""
    return word.lower() in TITLES and (word.lower() != "miss" or word == "Miss" and after != ".")


def _capitalised(word):
    return len(word) > 1 and word[0].isupper() and not word.isupper() or len(word) == 1 and word.isupper()


def _stem(word):
    return word[:-2] if word.lower().endswith(("'s", "’s")) else word


def _base(word):
    return _stem(word).lower()


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
