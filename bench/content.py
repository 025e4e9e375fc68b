"""Made-up but plausible words for the benchmark region: organisations, people, titles and posts.

Everything is drawn from a seeded random.Random, so a size always gives the same database.
"""

PLACES = [
    "Anfield", "Bootle", "Birkenhead", "Kirkby", "Huyton", "Prescot", "Runcorn", "Widnes", "Southport",
    "Crosby", "Wallasey", "Garston", "Toxteth", "Everton", "Walton", "Speke", "Halewood", "Maghull", "Formby",
    "Netherton", "Rock Ferry", "Seacombe", "Hoylake", "Heswall", "Newton-le-Willows", "Rainhill", "Haydock",
    "Thatto Heath", "Kensington", "Wavertree", "Allerton", "Aigburth", "Norris Green", "Croxteth", "Fazakerley",
    "Old Swan", "Tuebrook", "Litherland", "Birkdale", "Ainsdale",
]  # fmt: skip
COUNCILS = [
    "Liverpool City Council", "St Helens Borough Council", "Knowsley Council", "Sefton Council", "Wirral Council",
    "Halton Borough Council", "Warrington Borough Council", "West Lancashire Borough Council", "Wigan Council",
    "Cheshire West and Chester Council", "Chorley Council", "Blackburn with Darwen Council", "Bolton Council",
    "Salford City Council", "Trafford Council", "Cheshire East Council", "Preston City Council",
    "South Ribble Borough Council", "Fylde Council", "Lancaster City Council", "Wyre Council", "Burnley Council",
    "Pendle Council", "Hyndburn Borough Council", "Rossendale Borough Council",
]  # fmt: skip
HEALTH = [
    "Mersey Care NHS Foundation Trust", "Liverpool University Hospitals", "Cheshire and Wirral Partnership",
    "NHS Cheshire and Merseyside", "Wirral University Teaching Hospital", "Southport and Ormskirk Hospital",
    "St Helens and Knowsley Hospitals", "Warrington and Halton Hospitals", "Liverpool Heart and Chest Hospital",
    "Spectrum Community Health", "Change Grow Live Merseyside", "Homeless Health Liverpool",
]  # fmt: skip
SERVICES = [
    "Night Shelter", "Day Centre", "Housing Trust", "Food Bank", "Outreach Project", "Women's Refuge",
    "Youth Housing", "Recovery Community", "Advice Centre", "Foyer", "Street Team", "Tenancy Support",
]  # fmt: skip
FIRST_NAMES = [
    "Aisha", "Bernadette", "Colin", "Declan", "Ellen", "Fatima", "Gareth", "Helen", "Imran", "Jordan", "Kerry",
    "Liam", "Maggie", "Niamh", "Owen", "Priya", "Quentin", "Ruth", "Siobhan", "Tariq", "Una", "Vikram", "Wendy",
    "Yusuf", "Zoe", "Callum", "Danielle", "Farah", "Graham", "Hannah", "Joe", "Kieran", "Laura", "Mo", "Nadia",
    "Patrick", "Rhys", "Sam", "Tom", "Viv", "Amara", "Brian", "Chloe", "Dev", "Erin", "Frank", "Grace", "Harry",
]  # fmt: skip
SURNAMES = [
    "Ashworth", "Brackley", "Dunleavy", "Ellery", "Farraday", "Hollings", "Kinsella", "Pennington", "Quayle",
    "Threlfall", "Whitlow", "Okafor", "McGovern", "Rimmer", "Tunstall", "Ahmed", "Kowalski", "O'Hare", "Doyle",
    "Mercer", "Halsall", "Gerrard", "Cheung", "Singh", "Barton", "Lyons", "Moran", "Nolan", "Pryce", "Walsh",
]  # fmt: skip
THEMES = [
    "Emergency beds", "Hospital discharge", "Prison release", "Rough sleeping", "Mental health", "Substance use",
    "Young people", "Domestic abuse", "Move-on accommodation", "No recourse to public funds", "Benefits",
    "Out of hours",
]  # fmt: skip
BARRIERS = [
    "Housing options shuts at 4pm, before Friday prison releases arrive",
    "No single out-of-hours number across the six boroughs",
    "Hospital discharge letters do not say the person has nowhere to go",
    "A local connection test for night shelter beds",
    "Move-on flats need a deposit nobody can pay",
    "Detox beds ask for an address",
    "Phones lost or stolen mean missed appointments and closed cases",
    "Benefit claims stop when people move between boroughs",
    "Temporary accommodation placed out of area without telling support workers",
    "Referral forms differ in every borough",
    "Women-only beds full most nights",
    "No ID means no bank account, no tenancy and no benefits",
    "Dogs not allowed in most hostels",
    "GP registration refused without proof of address",
    "Young people aged out of children's services with no plan",
    "Couples split up because beds are single-sex",
    "Storage for belongings when someone goes into hospital",
    "Interpreters not available out of hours",
]  # fmt: skip
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
]  # fmt: skip

# Titles by kind; {place}, {org}, {service}, {n} and {day} are filled in.
TITLES = {
    "update": [
        "{service} in {place}: what we're seeing this month",
        "{place} outreach round-up for the week",
        "{n} beds free at the {place} {service} tonight",
        "New opening hours at the {place} {service} from {day}",
        "Winter provision in {place}: where things stand",
        "Cold weather plan triggered for {place}",
        "What the {place} street count found",
        "{org}: staffing changes and who to contact",
        "Drop-in health clinic at the {place} {service} every {day}",
        "Tenancy-first pilot in {place}: six months on",
    ],
    "need": [
        "Emergency bed needed tonight for a man in {place}",
        "Someone discharged from hospital in {place} with nowhere to go",
        "Friday prison release arriving in {place} after the council office shuts",
        "A young woman sleeping out near {place} station",
        "Family with {n} children facing eviction in {place} on {day}",
        "Storage needed for belongings while someone is in hospital",
        "A couple with a dog turned away from the {place} {service}",
        "Interpreter needed for a housing appointment in {place}",
        "Move-on flat needed for someone ready to leave the {place} {service}",
        "Deposit needed for a tenancy in {place}",
    ],
    "question": [
        "Who takes night shelter referrals in {place} this year?",
        "What is the out-of-hours number for {org}?",
        "Does the {place} {service} take people with no recourse to public funds?",
        "Who signs off hospital discharge for people with no address?",
        "Is the {place} {service} open over the bank holiday?",
        "Who is the duty officer for {place} on {day}?",
        "Can the {service} in {place} take dogs?",
        "Which referral form does {org} want now?",
        "How long is the wait for detox beds in {place}?",
        "Who do we tell when someone is placed out of area from {place}?",
    ],
}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Paragraphs of posts, in Markdown; the same placeholders as the titles.
PARAGRAPHS = [
    "We met {n} people sleeping out around {place} this week, {m} of them new to us. Most had been turned away "
    "from somewhere else first, usually for want of a local connection.",
    "The **{place} {service}** has {n} beds free tonight. Ring before 6pm and ask for the duty worker; after that "
    "it goes to the on-call manager.",
    "Housing options in {place} shuts at 4pm, so anyone arriving later on a {day} waits until the next morning. "
    "Can we agree a named contact for late arrivals?",
    "He was discharged from the ward on {day} afternoon with a letter and a bus pass. Nobody told the council, "
    "and he came to us with his dressings still on.",
    "Thank you, that's clear. I've added it to the contacts list and told the outreach team.",
    "We can take a referral for her today. Send the form to the duty inbox and ring to say it's there, because "
    "the inbox is only checked twice a day.",
    "Reopening this: it happened again last {day}, this time to someone in their 20s. Sorting it out person by "
    "person isn't a fix.",
    "From next week:\n\n- the duty officer covers until 7pm on Fridays;\n- probation will ring ahead before "
    "anyone is released;\n- outreach can ring the duty line and ask for them directly.",
    "We've got a box of cheap phones, charged and with credit, at the front desk in {place}. Ask for one for "
    "anyone who has lost theirs.",
    "The move-on panel meets on {day}. We have {n} people ready to leave and {m} flats offered, so most will "
    "wait another month.",
    "Is anyone else seeing more people with no recourse to public funds? We've had {n} this month and nowhere to "
    "send them.",
    "Our night shelter referrals go through the council's options team again this year, every day. At weekends "
    "it's the out-of-hours team on the same number.",
    "Could whoever holds the bed list for {place} post it here each morning? It would save us {n} phone calls a day.",
    "We'll review this with you at the end of the month and post what we find.",
    "She is safe tonight at the refuge. We still need a longer-term plan, and the referral to "
    "**{org}** has been waiting {n} days.",
    "The detox waiting list in {place} is about {n} weeks. Anyone sleeping out is asked for an address "
    "first, which is the problem.",
    "Two of our workers will be at the {place} drop-in on {day} mornings from next month, with a nurse.",
    "I've rung the {place} team twice and left messages. If anyone has a direct number for the duty officer "
    "please post it.",
    "Cold weather provision opens tonight in {place}: {n} extra beds, no referral needed, doors at 8pm.",
    "The housing benefit claim stopped when he moved boroughs, so the hostel is asking for arrears. Who can "
    "look at this?",
    "Storage: we can keep two bags each for up to {n} weeks while someone is in hospital. Label them with the "
    "person's name and date of birth.",
    "Our GP registration letter is attached to the shared folder. It says no proof of address is needed, "
    "which some practices still don't accept.",
    "We've asked the provider in writing not to take direct referrals, so there's only one route this time.",
    "That's what we needed, thank you. We'll see how the next few weeks go before we call it done.",
    "Numbers this month: {n} referrals, {m} housed, the rest still waiting. The wait for a first appointment "
    "is now about a week.",
    "The {service} in {place} can take dogs in two rooms. Ring ahead, because they're often full.",
    "We've no interpreter out of hours. Language Line works, but the phone on the ward doesn't take the PIN.",
    "Can the steward pick this up? It sits between three services and none of them thinks it's theirs.",
    "Update from the {place} street count: {n} people out on the night, against {m} last year.",
    "The tenancy-first pilot in {place}: {n} tenancies started, all still in place after six months. The support ratio "
    "is what makes it work.",
]
CHECKIN_PROMPTS = ["What is happening", "What is working", "What is getting in the way", "What you need"]
SEARCH_WORD = "housing"  # in many posts and titles: a realistic first search
