"""The demo region: Liverpool City Region's partners, their people and five weeks of threads."""

import io
from datetime import UTC, datetime, time, timedelta
from inspect import cleandoc

from . import accounts, attachments, cycles, learning, services, tracking
from .clock import LONDON, fixed_at, in_london, now
from .db import database
from .models import Barrier, Organisation, Outbox, Post, RuleVersion, Service, Thread, ThreadTheme, User
from .text import slugify

PASSWORD = "outreach-demo-2026"
STEWARD_EMAIL = "steward@lcr.example.org"

# (key, name, kind, phone numbers, team inbox); the people and threads below name organisations by key. The numbers
# are in Ofcom's range kept for drama (0151 496 0000 to 0999): no one answers them.
ORGANISATIONS = [
    ("ca", "Liverpool City Region Combined Authority", "commissioner", "0151 496 0100", "homelessness@lcr.example.org"),
    ("whitechapel", "The Whitechapel Centre", "charity", "0151 496 0200, 0151 496 0210", "day@whitechapel.example.org"),
    (
        "salvation_army",
        "The Salvation Army Salisbury House",
        "charity",
        "0151 496 0300",
        "salisburyhouse@salvationarmy.example.org",
    ),
    ("liverpool", "Liverpool City Council", "local_authority", "0151 496 0400", "housingoptions@liverpool.example.org"),
    ("st_helens", "St Helens Borough Council", "local_authority", "0151 496 0500", "housing@sthelens.example.org"),
    ("knowsley", "Knowsley Council", "local_authority", "0151 496 0600", "housing@knowsley.example.org"),
    ("sefton", "Sefton Council", "local_authority", "0151 496 0650", "housing@sefton.example.org"),
    ("wirral", "Wirral Council", "local_authority", "0151 496 0700", "housing@wirral.example.org"),
    ("halton", "Halton Borough Council", "local_authority", "0151 496 0800", "housing@halton.example.org"),
    ("mersey_care", "Mersey Care NHS Foundation Trust", "health", "0151 496 0900", "inreach@merseycare.example.org"),
]

# The demo's people, named in the threads below by email.
STEWARD = STEWARD_EMAIL
OUTREACH = "outreach@lcr.example.org"
WHITECHAPEL = "staff@whitechapel.example.org"
SALVATION_ARMY = "staff@salvationarmy.example.org"
ST_HELENS = "officer@sthelens.example.org"
LIVERPOOL = "officer@liverpool.example.org"
KNOWSLEY = "officer@knowsley.example.org"
SEFTON = "officer@sefton.example.org"
WIRRAL = "officer@wirral.example.org"
HALTON = "officer@halton.example.org"
MERSEY_CARE = "staff@merseycare.example.org"

# (email, name, organisation key, role); every name is made up.
PEOPLE = [
    (STEWARD, "Priya Hollings", "ca", "steward"),
    (OUTREACH, "Jordan Whitlow", "ca", "member"),
    (WHITECHAPEL, "Maggie Dunleavy", "whitechapel", "member"),
    (SALVATION_ARMY, "Colin Ashworth", "salvation_army", "member"),
    (ST_HELENS, "Gareth Pennington", "st_helens", "member"),
    (LIVERPOOL, "Ruth Ellery", "liverpool", "member"),
    (KNOWSLEY, "Declan Farraday", "knowsley", "member"),
    (SEFTON, "Helen Quayle", "sefton", "member"),
    (WIRRAL, "Rhys Brackley", "wirral", "member"),
    (HALTON, "Bernadette Kinsella", "halton", "member"),
    (MERSEY_CARE, "Aisha Threlfall", "mersey_care", "member"),
]

# What each demo person chose to show partners: (job title, work phone, whether their e-mail is shown); the phones
# are in the drama range, next to their organisation's. Aisha keeps her e-mail to herself; Declan gave no phone.
CONTACTS = {
    STEWARD: ("Systems steward, homelessness partnership", "0151 496 0101", True),
    OUTREACH: ("Rough sleeper outreach coordinator", "0151 496 0111", True),
    WHITECHAPEL: ("Day centre manager", "0151 496 0201", True),
    SALVATION_ARMY: ("Service manager, Salisbury House", "0151 496 0301", True),
    ST_HELENS: ("Housing options team leader", "0151 496 0501", True),
    LIVERPOOL: ("Out-of-hours housing officer", "0151 496 0401", True),
    KNOWSLEY: ("Housing options officer", "", True),
    SEFTON: ("Homelessness prevention officer", "0151 496 0651", True),
    WIRRAL: ("Housing options officer", "0151 496 0701", True),
    HALTON: ("Housing solutions manager", "0151 496 0801", True),
    MERSEY_CARE: ("Homeless inreach nurse", "0151 496 0901", False),
}

# Oldest first. "at" is (days ago, London wall-clock time). "then" lists what happened next, in order:
# ("reply", at, email, body), ("resolve", at, email) or ("reopen", at, email).
THREADS = [
    {
        "kind": "update",
        "author": OUTREACH,
        "at": (34, "09:10"),
        "title": "Assertive Outreach: what we're seeing this month",
        "body": """
            **What is happening.** 23 people on the caseload this month across the six boroughs, up from 19.
            Most new contacts are in Liverpool city centre and St Helens town centre. Three are people we
            haven't met before, all men in their 30s and 40s, two of them just out of prison.

            **What is working.** The joint morning rounds with the Whitechapel Centre on Tuesdays and
            Thursdays. Having a nurse with us means scripts and dressings get sorted there and then, instead
            of an appointment nobody goes to.

            **What is in the way.**

            - Getting a bed the same night outside Liverpool: every borough has its own route and hours.
            - Phones. Four people lost theirs or had them taken this month, and every appointment with them.

            **What we need.** An up-to-date list of who to ring out of hours in each borough. If yours has
            changed, please post it here.
        """,
        "then": [
            (
                "reply",
                (34, "11:45"),
                WHITECHAPEL,
                """
                We can add a Saturday morning round from next month if you can staff your side of it.

                We've also got a box of cheap phones, charged and with credit, at our front desk. Ask for one
                for anyone who's lost theirs.
                """,
            ),
            (
                "reply",
                (33, "10:20"),
                HALTON,
                """
                Halton's out-of-hours is still the council emergency line, 5pm to 9am and all weekend. It goes
                through to the on-call housing officer, not a call centre, so say you're outreach and you'll
                get a call back.
                """,
            ),
        ],
    },
    {
        "kind": "question",
        "author": STEWARD,
        "to": ["liverpool"],
        "at": (32, "10:00"),
        "title": "Who takes night shelter referrals this year?",
        "body": """
            The night shelter opens again in three weeks. Last year referrals went through housing options
            and then, halfway through the winter, straight to the provider, and half of us kept using the old
            route.

            Who should outreach and the day centres refer to this year, and is it the same at weekends?
        """,
        "then": [
            (
                "reply",
                (31, "14:30"),
                LIVERPOOL,
                """
                Housing options again this year, every day. At weekends it's the out-of-hours team on the
                same number; they hold the shelter's bed list. We've told the provider in writing not to take
                direct referrals, so there's only one route this time. I'll send the referral form round.
                """,
            ),
            ("reply", (31, "15:10"), STEWARD, "Thank you, that's clear. I've added it to the contacts list."),
            ("resolve", (31, "15:12"), STEWARD),
        ],
    },
    {
        "kind": "need",
        "author": WHITECHAPEL,
        "to": ["liverpool"],
        "at": (28, "09:30"),
        "title": "Friday prison releases arriving after housing options has shut",
        "body": """
            A man in his 40s was released on Friday afternoon with a travel warrant to Liverpool and a letter
            telling him to present at housing options. He got there at 4.40pm; the office shuts at 4. He slept
            out on Friday and Saturday and came to us on Monday morning.

            We need a way for someone released on a Friday to be seen that day: a named contact, or a duty
            number that still answers after 4pm.
        """,
        "then": [
            (
                "reply",
                (27, "11:15"),
                WHITECHAPEL,
                """
                He was seen on Monday through the duty line and is in temporary accommodation now, so I'm
                marking this resolved for him.
                """,
            ),
            ("resolve", (27, "11:16"), WHITECHAPEL),
            ("reopen", (21, "10:05"), WHITECHAPEL),
            (
                "reply",
                (21, "10:06"),
                WHITECHAPEL,
                """
                Reopening: it happened again last Friday, this time to a woman in her 20s. Sorting it out
                person by person on a Monday isn't a fix. Can we find a route for Friday releases that works
                on the Friday?
                """,
            ),
            (
                "reply",
                (19, "16:20"),
                LIVERPOOL,
                """
                Sorry this has happened twice. From this week:

                - probation will ring our prison release duty officer before the person leaves, so we know
                  they're coming;
                - on Fridays the duty officer covers until 7pm, and outreach and the Whitechapel Centre can
                  ring the duty line and ask for them directly.

                We'll review it with you at the end of the month.
                """,
            ),
            (
                "reply",
                (18, "09:40"),
                WHITECHAPEL,
                """
                That's what we needed, thank you. We'll see how the next few Fridays go before we call it
                done.
                """,
            ),
        ],
    },
    {
        "kind": "update",
        "author": SALVATION_ARMY,
        "at": (26, "14:00"),
        "title": "Salisbury House: beds, move-on and what's blocking it",
        "body": """
            **What is happening.** Every hostel room is full and the waiting list is at 11. The sit-up chairs
            and both crash pads are in use most nights.

            **What is working.** The weekly visit from the Mersey Care nurse. Three residents moved into their
            own flats this month.

            **What is in the way.** Move-on. People are ready to leave but there is nowhere to go, so rooms
            don't free up. Two residents have been ready for more than four months.

            **What we need.** A conversation with each council's housing team about move-on flats.
        """,
        "then": [
            (
                "reply",
                (25, "10:30"),
                KNOWSLEY,
                """
                Knowsley has two one-bed flats coming back from void next month. Happy to talk about any of
                your residents with a Knowsley connection; send me the details through the usual route.
                """,
            ),
        ],
    },
    {
        "kind": "need",
        "author": SALVATION_ARMY,
        "to": ["mersey_care"],
        "visibility": "restricted",
        "at": (24, "11:00"),
        "title": "Discharge from a mental health ward back to Salisbury House",
        "body": """
            One of our residents, a man in his 50s (R.T.), is due to leave an inpatient mental health ward
            next week. The ward has told him he is coming back to us, but nobody has been in touch with us
            about his medication or his follow-up.

            Before he comes back we need:

            - a discharge plan, and the name of his care coordinator;
            - what medication he will leave with, and who collects the prescription;
            - a number our night staff can ring if he becomes unwell again.
        """,
        "then": [
            (
                "reply",
                (23, "15:20"),
                MERSEY_CARE,
                """
                Thank you for flagging this. I've spoken to the ward manager: he'll be discharged on
                Thursday with seven days of medication, and his care coordinator, from the St Helens community
                team, will visit on Friday afternoon. The crisis line number is in his discharge letter; I'll
                email it to your duty manager today as well.
                """,
            ),
            ("reply", (22, "09:05"), SALVATION_ARMY, "Received, thank you. His key worker will be there."),
            (
                "reply",
                (16, "10:00"),
                SALVATION_ARMY,
                """
                He has settled back in and the coordinator has visited twice. Marking this one done.
                """,
            ),
            ("resolve", (16, "10:01"), SALVATION_ARMY),
        ],
    },
    {
        "kind": "update",
        "author": LIVERPOOL,
        "at": (22, "13:00"),
        "title": "Liverpool housing options: the out-of-hours line is changing",
        "body": """
            From Monday the out-of-hours homelessness line has its own number, answered by housing staff
            instead of the council's contact centre. Hours are 5pm to 8.30am on weekdays and all weekend.

            What this should fix: callers being asked the same questions twice and waiting for a call back.
            What it won't fix yet: we still have no same-night beds for couples or for people with dogs.

            The old number will redirect for a month.
        """,
        "then": [
            (
                "reply",
                (21, "16:00"),
                WHITECHAPEL,
                """
                Good news. Could the new line take referrals from our night staff by email too? They're often
                with someone and can't hold on the phone.
                """,
            ),
            (
                "reply",
                (20, "10:15"),
                LIVERPOOL,
                """
                Not yet, but it's planned for next month. Until then, ask for a call back: they'll ring within
                the hour.
                """,
            ),
        ],
    },
    {
        "kind": "update",
        "author": MERSEY_CARE,
        "at": (20, "09:00"),
        "title": "Nurse drop-ins at the Whitechapel Centre",
        "body": """
            Our community psychiatric nurses now run a drop-in at the Whitechapel Centre on Wednesday
            mornings, 9.30 to 12. No appointment or referral needed. In the four weeks since it started we've
            seen 17 people, nine of whom weren't known to any mental health service.

            What's in the way: follow-up appointments at a clinic across town, which most people miss. We're
            trying to see people again at the drop-in instead.
        """,
        "then": [
            (
                "reply",
                (19, "12:30"),
                OUTREACH,
                """
                This is making a real difference: we've brought three people along who would never have gone
                to a clinic. Could it run in St Helens as well, even once a fortnight?
                """,
            ),
            (
                "reply",
                (18, "15:45"),
                MERSEY_CARE,
                """
                We're looking at a fortnightly session at Salisbury House. I'll post here when it's agreed.
                """,
            ),
        ],
    },
    {
        "kind": "question",
        "author": OUTREACH,
        "to": ["knowsley", "sefton"],
        "at": (18, "10:30"),
        "title": "Local connection for people who sleep out across borough borders",
        "body": """
            We're working with two men who sleep out along the Knowsley, Sefton and Liverpool borders and move
            between the three. Each council has asked us to prove a local connection before it will take a
            homelessness application, and neither has a recent tenancy anywhere.

            Does time spent sleeping rough in your borough count towards a local connection, and what evidence
            would you accept from us? Our contact logs show where and when we found them.
        """,
        "then": [
            (
                "reply",
                (16, "14:10"),
                KNOWSLEY,
                """
                For us it does. Your contact logs with dates and places are enough evidence; send them with
                the referral. Where someone has no local connection anywhere, we take the application first
                and sort out the connection afterwards rather than leave them waiting.
                """,
            ),
            (
                "reply",
                (15, "09:20"),
                OUTREACH,
                """
                That's really helpful, thank you. Still hoping to hear from Sefton: one of the two is mostly
                in Bootle.
                """,
            ),
        ],
    },
    {
        "kind": "update",
        "author": ST_HELENS,
        "at": (17, "11:30"),
        "title": "St Helens housing options: staffing this month",
        "body": """
            We're two officers down in housing options this month, so replies are slower than we'd like.
            Emergency presentations are still seen the same day; for anything else, please allow three working
            days.

            Emergency beds in the borough, including the sit-up beds, are allocated through our weekly
            placement panel. This quarter's priorities are families and young people leaving care.
        """,
    },
    {
        "kind": "question",
        "author": HALTON,
        "to": ["ca"],
        "at": (15, "11:20"),
        "title": "Can Trailblazer funding pay for storing someone's belongings?",
        "body": """
            A man we're working with in Widnes has been offered a room in a shared house. He has a lot of
            belongings, mostly tools for work, in a friend's garage, and the friend needs it back. Without
            the tools he can't work.

            A storage unit for three months is about £240. Can that come out of the Trailblazer personal
            budget, or does it have to go through the council?
        """,
        "then": [
            (
                "reply",
                (14, "09:45"),
                STEWARD,
                """
                Yes, that's exactly what the personal budget is for. Outreach can approve up to £500 without
                asking anyone: send the invoice to the team and they'll pay the storage company directly.
                """,
            ),
            ("reply", (14, "11:00"), HALTON, "Brilliant, thank you. The unit is booked."),
            ("resolve", (14, "11:02"), HALTON),
        ],
    },
    {
        "kind": "update",
        "author": WIRRAL,
        "at": (13, "10:00"),
        "title": "Wirral: this month's count and what has changed",
        "body": """
            Our latest count found 9 people sleeping out, down from 12 the month before. Most are in
            Birkenhead, two in Wallasey.

            - **Working:** the housing first flats. All six tenancies are holding.
            - **In the way:** people coming over from Liverpool once the night shelter is full, whom we then
              can't place because they have no Wirral connection.
            - **Need:** a way for boroughs to agree who takes the lead for someone who moves between them.
        """,
        "then": [
            (
                "reply",
                (12, "14:00"),
                STEWARD,
                """
                This is the same problem outreach has raised with Knowsley and Sefton. I'll bring both threads
                to the next monthly meeting with all six councils.
                """,
            ),
        ],
    },
    {
        "kind": "question",
        "author": SEFTON,
        "to": ["liverpool"],
        "at": (11, "15:00"),
        "title": "Sharing the rough sleeping contact list between Sefton and Liverpool",
        "body": """
            We'd like to share our street outreach contact list with Liverpool's team every week, so we stop
            counting the same people twice and can agree who leads. Do we need a data sharing agreement for
            that, or does the regional one cover it?
        """,
        "then": [
            (
                "reply",
                (9, "10:40"),
                LIVERPOOL,
                """
                The regional agreement covers it, as long as the list holds initials only, where and when each
                person was seen, and the support they need. No health details. Send it to the rough sleeping
                coordinator's shared inbox on Mondays and we'll send ours back.
                """,
            ),
        ],
    },
    {
        "kind": "need",
        "author": WHITECHAPEL,
        "to": ["st_helens"],
        "at": (10, "09:40"),
        "title": "Sit-up bed / crash pad for a rough sleeper in St Helens",
        "body": """
            Our outreach team has been working with a man in his 40s who has slept out in St Helens town
            centre for about three weeks. He has agreed to come inside, which took a lot of work, and most
            nights there is a sit-up chair free at Salisbury House.

            But the sit-up beds and crash pads are allocated by the council to another group of clients, so
            outreach can't refer him in, and by the time the weekly panel meets he has usually moved on or
            changed his mind.

            What we need:

            - for outreach to be able to refer rough sleepers straight into the sit-up beds and crash pads,
              on the night; or
            - a named officer who can agree a place the same evening.

            The eligibility criteria can stay as they are. We just need the step from "yes, I'll come in" to
            a bed to happen that night.
        """,
        "then": [
            (
                "reply",
                (10, "14:15"),
                SALVATION_ARMY,
                """
                We'd welcome this. Most nights at least one sit-up chair is still empty at 11pm because the
                people it's allocated to have found somewhere else. We can take a referral from outreach up to
                midnight if the council agrees.
                """,
            ),
            (
                "reply",
                (8, "08:50"),
                OUTREACH,
                """
                Saw him again last night by the bus station. He is still willing to come in. We're ready to
                refer him the moment it's allowed.
                """,
            ),
            (
                "reply",
                (6, "10:30"),
                STEWARD,
                """
                I've asked the housing options manager at St Helens to pick this up, and I'll keep it open
                until there is an answer. If someone else at St Helens is better placed, please say so here.
                """,
            ),
        ],
    },
    {
        "kind": "update",
        "author": STEWARD,
        "at": (7, "09:30"),
        "title": "What the last four weeks taught us",
        "body": """
            A short summary of what has come through the portal this month.

            **What has moved.** Night shelter referrals have one route. Friday prison releases in Liverpool
            now have a duty officer until 7pm. Trailblazer personal budgets are paying for the small things
            that keep a tenancy going.

            **What is still in the way.**

            - Direct referral into the sit-up beds and crash pads in St Helens: open for over a week, no
              answer yet.
            - Local connection for people who move between boroughs.
            - Same-night beds for couples and for people with dogs.

            **What I'll do.** Take local connection to the monthly meeting with all six councils, and keep the
            St Helens request open until it is settled.
        """,
        "then": [
            (
                "reply",
                (6, "16:10"),
                SEFTON,
                """
                Sorry we haven't answered the local connection question yet; it's with our legal team. I'll
                post on that thread as soon as I have an answer.
                """,
            ),
        ],
    },
    {
        "kind": "need",
        "author": OUTREACH,
        "to": ["wirral"],
        "at": (4, "11:00"),
        "title": "Same-night bed for a couple with a dog in Birkenhead",
        "body": """
            A couple in their 30s have been sleeping in a tent near Birkenhead Park for two weeks. They won't
            be split up and won't leave their dog, and every emergency bed we've tried is single-sex or
            no pets.

            Does Wirral have anything, even for a few nights, that would take all three? If not, would the
            council fund a dog-friendly B&B while we look for something longer?
        """,
        "then": [
            (
                "reply",
                (3, "13:20"),
                WHITECHAPEL,
                """
                A small B&B in New Brighton has taken a couple with a dog for us before. Happy to pass on the
                details by phone.
                """,
            ),
        ],
    },
    {
        "kind": "need",
        "author": KNOWSLEY,
        "to": ["mersey_care"],
        "at": (2, "10:15"),
        "title": "Mental health assessment for a man sleeping out in Huyton",
        "body": """
            A man in his 60s has been sleeping in a bus shelter in Huyton village for about ten days. He is
            confused at times, won't give his name and refuses everything we offer. We're worried about his
            capacity to make those decisions.

            Could someone from the community mental health team come out with our officer this week for an
            assessment? We can meet at any time that suits you.
        """,
    },
]

# Themes the steward keeps, and the threads tagged with them (by title).
THEMES = {
    "Emergency beds": [
        "Sit-up bed / crash pad for a rough sleeper in St Helens",
        "Same-night bed for a couple with a dog in Birkenhead",
        "Who takes night shelter referrals this year?",
    ],
    "Eligibility rules": [
        "Sit-up bed / crash pad for a rough sleeper in St Helens",
        "Local connection for people who sleep out across borough borders",
    ],
    "Hospital discharge": ["Discharge from a mental health ward back to Salisbury House"],
    "Mental health access": ["Mental health assessment for a man sleeping out in Huyton"],
    "Prison release": ["Friday prison releases arriving after housing options has shut"],
}

# The barriers register: (title, description, holders, threads that show it, [(days ago, note, new status)]).
BARRIERS = [
    (
        "Crash pads in St Helens are allocated to another client group",
        "The sit-up beds and crash pads are allocated through a weekly panel to another client group, so "
        "outreach cannot refer a rough sleeper into one on the night, even when a bed is empty.",
        ["st_helens"],
        ["Sit-up bed / crash pad for a rough sleeper in St Helens"],
        [
            (
                9,
                "Raised at the St Helens learning meeting; the housing options manager will look at the panel rules.",
                "being_worked_on",
            )
        ],
    ),
    (
        "Housing options closes before Friday prison releases arrive",
        "People released on a Friday afternoon reach housing options after it has shut.",
        ["liverpool"],
        ["Friday prison releases arriving after housing options has shut"],
        [(19, "Liverpool now keeps a duty officer until 7pm on Fridays, with a direct line for outreach.", "changed")],
    ),
]

# The service another part of the demo attaches the night shelter's referral form to, by this name.
NIGHT_SHELTER_SERVICE = "Winter night shelter: referral route"
CRASH_PADS = "Crash pads and sit-up beds"
CRASH_PAD_THREAD = "Sit-up bed / crash pad for a rough sleeper in St Helens"

# Services: (organisation key, days ago it was added, keeper, details, its first rule).
SERVICES = [
    (
        "salvation_army",
        60,
        SALVATION_ARMY,
        {
            "name": CRASH_PADS,
            "offers": "Two crash pads and four sit-up chairs at Salisbury House, for one night at a time.",
            "areas": ["st-helens"],
            "capacity": "Six a night; most nights at least one chair is free by 11pm.",
            "contact": "Salisbury House night desk, 0151 496 0300",
        },
        services.Rule(
            "Allocated by St Helens housing options, through its weekly panel, to another client group. Outreach "
            "cannot refer.",
            ["council"],
            ["email"],
            "The panel meets on Tuesdays",
        ),
    ),
    (
        "liverpool",
        35,
        LIVERPOOL,
        {
            "name": NIGHT_SHELTER_SERVICE,
            "offers": "Beds in the winter night shelter, December to March. Every referral goes through Liverpool "
            "housing options; the shelter takes none directly.",
            "areas": ["liverpool"],
            "capacity": "The out-of-hours team holds the bed list.",
            "contact": "Housing options, 0151 496 0400",
        },
        services.Rule(
            "Anyone sleeping rough in Liverpool or at risk of it tonight. Outreach and day centres refer through "
            "housing options with the referral form.",
            ["outreach", "partner"],
            ["phone", "form"],
            "Every day; at weekends the out-of-hours team on the same number",
        ),
    ),
    (
        "st_helens",
        95,
        ST_HELENS,
        {
            "name": "Housing options",
            "offers": "Advice and assessment for anyone homeless or at risk of it in St Helens.",
            "areas": ["st-helens"],
            "capacity": "",
            "contact": "Housing options, 0151 496 0500",
        },
        services.Rule(
            "Anyone homeless or at risk of homelessness with a connection to St Helens.",
            ["self", "outreach", "partner"],
            ["phone", "email"],
            "Monday to Friday, 9am to 5pm",
        ),
    ),
    (
        "liverpool",
        30,
        LIVERPOOL,
        {
            "name": "Out-of-hours housing line",
            "offers": "Emergency housing advice and placements when housing options is shut.",
            "areas": ["liverpool"],
            "capacity": "",
            "contact": "Out-of-hours line, 0151 496 0499",
        },
        services.Rule(
            "Anyone homeless tonight in Liverpool.",
            ["self", "outreach", "partner"],
            ["phone"],
            "5pm to 9am, weekends and bank holidays",
        ),
    ),
]

# The crash-pad story as a learning cycle: started by the steward, then its dated entries
# (days ago, author, note, new status, next review in days from then).
CRASH_PAD_CYCLE = {
    "at": 9,
    "title": "Direct referral into St Helens crash pads for outreach",
    "noticed": "Outreach could not refer a man sleeping out in St Helens into an empty sit-up bed: the beds are "
    "allocated by a weekly panel to another client group, and by the time it meets he has moved on.",
    "trying": "Outreach refer straight into a free sit-up bed or crash pad on the night, up to midnight, without "
    "the panel: a month's trial, reviewed weekly.",
    "trying_by": "Combined Authority outreach, The Salvation Army Salisbury House, St Helens Borough Council",
    "trying_from": 6,
    "learned": 'Beds left empty at 11pm can be filled the same night. People came in when the step from "yes" '
    "to a bed took hours, not days; none of the panel's own clients lost a place.",
    "changed": "St Helens changed the allocation rule: outreach may refer direct into a sit-up bed or crash pad "
    "that is still free at 11pm. The panel keeps the rest.",
    "changed_on": 3,
    "organisations": ["ca", "whitechapel", "salvation_army", "st_helens"],
    "entries": [
        (
            9,
            OUTREACH,
            "Noticed on the crash-pad thread: outreach turned away from an empty sit-up bed in St Helens, again.",
            None,
            None,
        ),
        (
            6,
            ST_HELENS,
            "Agreed a month's trial from today: outreach refer direct into any sit-up bed or crash pad still free "
            "at 11pm. Salisbury House takes referrals up to midnight.",
            "trying",
            7,
        ),
        (
            4,
            OUTREACH,
            "First review: three referrals in two nights, all three came in, and two stayed on. No bed was taken "
            "from the panel's client group.",
            "reviewing",
            2,
        ),
        (
            3,
            ST_HELENS,
            "The trial has shown what it needed to: the allocation rule is changed for good, without waiting out "
            "the month.",
            None,
            None,
        ),
        (
            1,
            STEWARD,
            "Embedded: the new rule is in St Helens' allocation policy and the outreach handbook.",
            "embedded",
            None,
        ),
    ],
}

STEPS = {"reply": tracking.reply, "resolve": tracking.resolve, "reopen": tracking.reopen}


def seed():
    """Fill an empty, migrated database with the demo region, its people and their threads."""
    password_hash = accounts.hash_password(PASSWORD)  # scrypt is slow: hash once, share it
    with database.atomic():
        with fixed_at(_moment(40, "09:00")):
            organisations = {
                key: Organisation.create(name=name, slug=slugify(name), kind=kind, phone=phone, email=email)
                for key, name, kind, phone, email in ORGANISATIONS
            }
            people = {
                email: User.create(
                    email=email,
                    name=name,
                    organisation=organisations[key],
                    role=role,
                    password_hash=password_hash,
                    job_title=CONTACTS[email][0],
                    work_phone=CONTACTS[email][1],
                    show_email=CONTACTS[email][2],
                )
                for email, name, key, role in PEOPLE
            }
        for spec in THREADS:
            _seed_thread(spec, organisations, people)
        _seed_learning(organisations, people[STEWARD])
        _seed_services(organisations, people)
        _seed_cycle(CRASH_PAD_CYCLE, organisations, people[STEWARD])
        # The demo's e-mail belongs to its past: it went out then, and is not to be sent weeks late now.
        Outbox.update(sent_at=Outbox.created).where(Outbox.sent_at.is_null()).execute()


def _seed_learning(organisations, steward):
    threads = {thread.title: thread for thread in Thread.select()}
    with fixed_at(_moment(30, "09:00")):
        for name, titles in THEMES.items():
            theme = learning.save_theme(steward, name)
            for title in titles:
                ThreadTheme.create(thread=threads[title], theme=theme)
    for title, description, holders, linked, log in BARRIERS:
        with fixed_at(_moment(25, "10:00")):
            barrier = learning.save_barrier(steward, title, description, [organisations[k].id for k in holders])
            for thread_title in linked:
                learning.link_barrier(barrier, threads[thread_title], steward)
        for days_ago, note, status in log:
            with fixed_at(_moment(days_ago, "15:00")):
                learning.log_barrier(barrier, steward, note, status)


def _seed_cycle(spec, organisations, steward):
    """The crash-pad story as a learning cycle: its thread, its barrier and the crash pads' second rule."""
    today = in_london(now()).date()
    fields = {
        "title": spec["title"],
        "noticed": spec["noticed"],
        "trying": spec["trying"],
        "trying_by": spec["trying_by"],
        "trying_from": today - timedelta(days=spec["trying_from"]),
        "learned": spec["learned"],
        "changed": spec["changed"],
        "changed_on": today - timedelta(days=spec["changed_on"]),
        "review_on": None,
        "visibility": "all",
    }
    crash_pad = Thread.get(Thread.title == CRASH_PAD_THREAD)
    barrier = Barrier.get(Barrier.title == BARRIERS[0][0])
    rule = RuleVersion.get(
        (RuleVersion.service == Service.get(Service.name == CRASH_PADS).id) & (RuleVersion.number == 2)
    )
    involved = [organisations[key].id for key in spec["organisations"]]
    with fixed_at(_moment(spec["at"], "16:00")):
        cycle = cycles.start_cycle(steward, fields, involved, [crash_pad.id], [barrier.id], rule_ids=[rule.id])
    people = {person.email: person for person in User.select()}
    for days_ago, email, note, status, review_in in spec["entries"]:
        with fixed_at(_moment(days_ago, "17:00")):
            review_on = today - timedelta(days=days_ago - review_in) if review_in else None
            cycles.add_entry(cycle, people[email], note, status, review_on)


def simple_pdf(*lines):
    """A one-page PDF with `lines` of text, made in code (no binary files in the repository)."""
    text = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join("(%s) '" % line for line in lines) + " ET"
    stream = text.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


REFERRAL_FORM = (
    "Winter night shelter: referral form",
    "Send to Liverpool housing options, 0151 496 0400, before 9pm.",
    "Referrer: name, organisation, phone.",
    "Person referred: initials and case reference only.",
    "Where they slept last night; any needs the shelter should know about.",
)


def _attach_referral_form(service, keeper):
    content = simple_pdf(*REFERRAL_FORM)
    upload = attachments.inspect("Night shelter referral form.pdf", io.BytesIO(content), len(content))
    attachments.attach([upload], keeper, service_id=service.id)


def _seed_services(organisations, people):
    """The services, with the crash pads' rule changed after the crash-pad thread cited its first version."""
    made = {}
    for key, days_ago, keeper, details, rule in SERVICES:
        with fixed_at(_moment(days_ago, "11:00")):
            rule.effective_from = in_london(now()).date()
            made[details["name"]] = services.add_service(people[keeper], organisations[key].id, details, rule)
    with fixed_at(_moment(34, "10:00")):
        _attach_referral_form(made[NIGHT_SHELTER_SERVICE], people[LIVERPOOL])
    crash_pads = made[CRASH_PADS]
    thread = Thread.get(Thread.title == CRASH_PAD_THREAD)
    reply = Post.get((Post.thread == thread.id) & (Post.author == people[SALVATION_ARMY].id))
    first = RuleVersion.get(RuleVersion.service == crash_pads.id)
    with fixed_at(reply.created):
        services.cite(reply, first.id, people[SALVATION_ARMY])
    barrier = Barrier.get(Barrier.title.startswith("Crash pads in St Helens"))
    with fixed_at(_moment(3, "16:00")):
        rule = services.Rule(
            "People sleeping rough in St Helens: outreach refers them directly, on the night.",
            ["outreach", "council"],
            ["phone"],
            "Any hour",
            effective_from=in_london(now()).date(),
            why="Outreach could not refer people sleeping rough on the night. After the St Helens learning meeting "
            "the council agreed that outreach may refer directly.",
            thread_ids=[thread.id],
            barrier_ids=[barrier.id],
        )
        details = {name: getattr(crash_pads, name) for name in services.SERVICE_FIELDS}
        services.edit_service(crash_pads, people[SALVATION_ARMY], details | {"areas": ["st-helens"]}, rule)


def _seed_thread(spec, organisations, people):
    with fixed_at(_moment(*spec["at"])):
        thread = tracking.start_thread(
            people[spec["author"]],
            spec["kind"],
            spec["title"],
            cleandoc(spec["body"]),
            addressed_ids=[organisations[key].id for key in spec.get("to", ())],
            visibility=spec.get("visibility", "all"),
        )
    for action, at, email, *body in spec.get("then", ()):
        with fixed_at(_moment(*at)):
            STEPS[action](thread, people[email], *map(cleandoc, body))


def _moment(days_ago, wall_clock):
    """Naive UTC for a London wall-clock time ("14:30") on the day `days_ago` days before today."""
    day = in_london(now()).date() - timedelta(days=days_ago)
    hour, minute = map(int, wall_clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)
