"""Who may see and do what: the matrix over the people around a request, and the visibility rule's two forms."""

import pytest

from portal import demo, proposals, rules
from portal.lists.pages import visible_threads
from portal.models import LearningCycle, Post, Thread, User

from .builders import make_attachment, make_cycle, make_org, make_request, make_service, make_steward, make_user

PEOPLE = ("asker", "addressee", "colleague", "outsider", "steward")


@pytest.fixture
def world():
    charity, council, other = (
        make_org("Charity"),
        make_org("Council", kind="local_authority"),
        make_org("Other"),
    )
    asker = make_user(charity)
    people = {
        "asker": asker,
        "colleague": make_user(charity),
        "addressee": make_user(council),
        "outsider": make_user(other),
        "steward": make_steward(),
    }
    threads = {
        "open": make_request(asker, [council], title="Open to all"),
        "restricted": make_request(asker, [council], title="Restricted one", visibility="restricted"),
    }
    return people, threads


def expect(**codes):
    return [(who, codes[who]) for who in PEOPLE]


@pytest.mark.parametrize("who, code", expect(asker=200, colleague=200, addressee=200, outsider=200, steward=200))
def test_read_an_open_thread(as_person, world, who, code):
    people, threads = world
    assert as_person(people[who]).get("/threads/%d" % threads["open"].id).status_code == code


@pytest.mark.parametrize("who, code", expect(asker=200, colleague=200, addressee=200, outsider=404, steward=200))
def test_read_a_restricted_thread(as_person, world, who, code):
    people, threads = world
    assert as_person(people[who]).get("/threads/%d" % threads["restricted"].id).status_code == code


@pytest.mark.parametrize("who, code", expect(asker=303, colleague=303, addressee=303, outsider=404, steward=303))
def test_reply_to_a_restricted_thread(as_person, world, who, code):
    people, threads = world
    response = as_person(people[who]).post("/threads/%d/reply" % threads["restricted"].id, data={"body": "Hi"})
    assert response.status_code == code
    assert Post.select().where(Post.thread == threads["restricted"].id).count() == (2 if code == 303 else 1)


@pytest.mark.parametrize("who, code", expect(asker=303, colleague=403, addressee=403, outsider=403, steward=303))
def test_edit_the_askers_post(as_person, world, who, code):
    people, threads = world
    post = Post.get(Post.thread == threads["open"].id)
    response = as_person(people[who]).post("/posts/%d/edit" % post.id, data={"body": "Changed"})
    assert response.status_code == code
    assert (Post.get_by_id(post.id).body == "Changed") == (code == 303)


@pytest.mark.parametrize("who, code", expect(asker=403, colleague=403, addressee=403, outsider=403, steward=200))
def test_see_the_details_kept_past_the_guard(as_person, world, who, code):
    people, _ = world
    assert as_person(people[who]).get("/guard/overrides").status_code == code
    assert rules.can_review_kept_details(people[who]) == (code == 200)


@pytest.mark.parametrize("who, code", expect(asker=303, colleague=403, addressee=403, outsider=403, steward=303))
def test_change_the_askers_title(as_person, world, who, code):
    people, threads = world
    response = as_person(people[who]).post("/threads/%d/title" % threads["open"].id, data={"title": "Changed"})
    assert response.status_code == code
    assert (Thread.get_by_id(threads["open"].id).title == "Changed") == (code == 303)


@pytest.mark.parametrize("who, code", expect(asker=200, colleague=200, addressee=200, outsider=404, steward=200))
def test_read_the_history_of_a_post_in_a_restricted_thread(as_person, world, who, code):
    people, threads = world
    post = Post.get(Post.thread == threads["restricted"].id)
    assert as_person(people[who]).get("/posts/%d/history" % post.id).status_code == code


@pytest.mark.parametrize("who, code", expect(asker=303, colleague=303, addressee=403, outsider=403, steward=303))
def test_resolve_a_request(as_person, world, who, code):
    people, threads = world
    thread = threads["open"]
    response = as_person(people[who]).post("/threads/%d/status" % thread.id, data={"action": "resolve"})
    assert response.status_code == code
    assert Thread.get_by_id(thread.id).status == ("resolved" if code == 303 else "open")


@pytest.mark.parametrize("who, code", expect(asker=303, colleague=303, addressee=403, outsider=404, steward=303))
def test_resolve_a_restricted_request(as_person, world, who, code):
    people, threads = world
    response = as_person(people[who]).post("/threads/%d/status" % threads["restricted"].id, data={"action": "resolve"})
    assert response.status_code == code


@pytest.mark.parametrize("who", PEOPLE)
def test_restricted_thread_is_in_lists_only_for_those_who_may_see_it(as_person, world, who):
    people, threads = world
    client = as_person(people[who])
    may_see = who != "outsider"
    paths = ["/threads", "/threads?kind=need", "/orgs/%s" % threads["open"].organisation.slug]
    if who != "steward":  # home lists the requests to and from one's own organisation
        paths.append("/")
    for path in paths:
        assert ("Restricted one" in client.get(path).text) == may_see, path


def test_the_rule_and_the_list_filter_agree_for_everyone_on_the_demo_data():
    demo.seed()
    threads = list(Thread.select())
    assert threads
    for person in User.with_organisation():
        listed = {t.id for t in visible_threads(person)}
        allowed = {t.id for t in threads if rules.can_see_thread(person, t)}
        assert listed == allowed, person.email
    outsider = User.get(User.email == "officer@liverpool.example.org")
    assert any(not rules.can_see_thread(outsider, t) for t in threads), "the demo has a restricted thread"


STEWARD_ONLY = expect(asker=False, colleague=False, addressee=False, outsider=False, steward=True)
THE_ASKERS = expect(asker=True, colleague=True, addressee=False, outsider=False, steward=True)
ALL_BUT_OUTSIDERS = expect(asker=True, colleague=True, addressee=True, outsider=False, steward=True)


EVERYONE = expect(**dict.fromkeys(PEOPLE, True))


def askers_service(threads):
    return make_service(threads["open"].author)


def first_post(threads, name):
    return Post.get(Post.thread == threads[name].id)


def attachment_on(threads, name):
    post = first_post(threads, name)
    return make_attachment(post)


def cycle(threads, status="noticing"):
    """A restricted learning cycle started by the asker's organisation with the addressee's involved."""
    key = "cycle " + status
    if key not in threads:
        thread = threads["restricted"]
        made = make_cycle(
            thread.author, organisations=[o.organisation for o in thread.addressees], visibility="restricted"
        )
        LearningCycle.update(status=status).where(LearningCycle.id == made.id).execute()
        threads[key] = LearningCycle.get_by_id(made.id)
    return threads[key]


def proposal(threads):
    """A barrier proposed by the asker (for their organisation, the charity)."""
    return proposals.propose(threads["open"].author, "Day centre closes at 4", "")


# Every question rules.py answers: how to ask it in the world above, and each person's answer.
QUESTIONS = {
    "is_steward": (lambda threads: (), STEWARD_ONLY),
    "can_see_thread": (lambda threads: (threads["restricted"],), ALL_BUT_OUTSIDERS),
    "can_reply": (lambda threads: (threads["restricted"],), ALL_BUT_OUTSIDERS),
    "can_edit_post": (
        lambda threads: (first_post(threads, "open"), threads["open"]),
        expect(asker=True, colleague=False, addressee=False, outsider=False, steward=True),
    ),
    "can_see_post_history": (
        lambda threads: (first_post(threads, "restricted"), threads["restricted"]),
        ALL_BUT_OUTSIDERS,
    ),
    "can_edit_title": (
        lambda threads: (threads["open"],),
        expect(asker=True, colleague=False, addressee=False, outsider=False, steward=True),
    ),
    "speaks_for_asker": (lambda threads: (threads["open"],), THE_ASKERS),
    "can_resolve": (lambda threads: (threads["open"],), THE_ASKERS),
    "can_reopen": (lambda threads: (threads["resolved"],), THE_ASKERS),
    "can_see_person": (lambda threads: (threads["open"].author,), expect(**dict.fromkeys(PEOPLE, True))),
    "can_manage_people": (lambda threads: (), STEWARD_ONLY),
    "can_review_kept_details": (lambda threads: (), STEWARD_ONLY),
    "can_tag_thread": (lambda threads: (threads["open"],), THE_ASKERS),
    "can_close": (lambda threads: (threads["open"],), STEWARD_ONLY),
    "can_track_request": (lambda threads: (threads["open"],), STEWARD_ONLY),
    "can_use_board_tools": (lambda threads: (), STEWARD_ONLY),
    "can_see_overview": (lambda threads: (), STEWARD_ONLY),
    "can_add_note": (lambda threads: (threads["open"],), STEWARD_ONLY),
    "can_see_notes": (lambda threads: (), STEWARD_ONLY),
    "can_see_hidden_reasons": (lambda threads: (), STEWARD_ONLY),
    "can_moderate": (lambda threads: (), STEWARD_ONLY),
    "can_manage_barriers": (lambda threads: (), STEWARD_ONLY),
    "can_link_barriers": (lambda threads: (), STEWARD_ONLY),
    "can_manage_organisations": (lambda threads: (), STEWARD_ONLY),
    "can_see_attachment": (
        lambda threads: (
            attachment_on(threads, "restricted"),
            first_post(threads, "restricted"),
            threads["restricted"],
        ),
        ALL_BUT_OUTSIDERS,
    ),
    "can_attach": (lambda threads: (threads["restricted"],), ALL_BUT_OUTSIDERS),
    "can_remove_attachment": (lambda threads: (), STEWARD_ONLY),
    "can_read_checkins_side_by_side": (lambda threads: (), STEWARD_ONLY),
    "can_read_past_checkins": (
        lambda threads: (threads["open"].organisation,),
        expect(**dict.fromkeys(PEOPLE, True)),
    ),
    "can_remind_about_checkins": (lambda threads: (), STEWARD_ONLY),
    "can_report_to_stewards_only": (lambda threads: (), STEWARD_ONLY),
    "can_propose_barrier": (lambda threads: (), expect(**dict.fromkeys(PEOPLE, True))),
    "can_decide_barrier_proposal": (lambda threads: (), STEWARD_ONLY),
    "can_see_barrier_proposal": (lambda threads: (proposal(threads),), THE_ASKERS),
    "can_see_cycle": (lambda threads: (cycle(threads),), ALL_BUT_OUTSIDERS),
    "can_start_cycle": (lambda threads: (), expect(**dict.fromkeys(PEOPLE, True))),
    "can_propose_cycle": (
        lambda threads: (),
        expect(asker=True, colleague=True, addressee=True, outsider=True, steward=False),
    ),
    "can_edit_cycle": (lambda threads: (cycle(threads),), THE_ASKERS),
    "can_add_cycle_entry": (lambda threads: (cycle(threads),), ALL_BUT_OUTSIDERS),
    "can_decide_cycle_proposal": (lambda threads: (cycle(threads, "proposed"),), STEWARD_ONLY),
    "can_see_services": (lambda threads: (), EVERYONE),
    "can_add_service": (lambda threads: (), EVERYONE),
    "can_edit_service": (lambda threads: (askers_service(threads),), THE_ASKERS),
    "can_change_rule": (lambda threads: (askers_service(threads),), THE_ASKERS),
    "can_confirm_service": (lambda threads: (askers_service(threads),), THE_ASKERS),
    "can_cite_service": (lambda threads: (threads["restricted"],), ALL_BUT_OUTSIDERS),
}
NOT_QUESTIONS = {
    "visible_filter",
    "cycle_visible_filter",
}  # the query form of can_see_thread: the test above checks that they agree


def test_every_question_rules_answers_is_in_the_matrix():
    answered = {
        name
        for name, value in vars(rules).items()
        if callable(value) and getattr(value, "__module__", "") == rules.__name__ and not name.startswith("_")
    }
    assert answered - NOT_QUESTIONS == set(QUESTIONS), "add each new question of rules.py to QUESTIONS"


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_matrix_of_every_question(world, question):
    people, threads = world
    threads["resolved"] = make_request(people["asker"], [], title="Resolved one")
    Thread.update(status="resolved").where(Thread.id == threads["resolved"].id).execute()
    threads["resolved"] = Thread.get_by_id(threads["resolved"].id)
    arguments, answers = QUESTIONS[question]
    for who, expected in answers:
        assert getattr(rules, question)(people[who], *arguments(threads)) == expected, (question, who)


@pytest.mark.parametrize("who, code", expect(asker=200, colleague=200, addressee=200, outsider=404, steward=200))
def test_read_a_restricted_cycle(as_person, world, who, code):
    people, threads = world
    assert as_person(people[who]).get("/cycles/%d" % cycle(threads).id).status_code == code
    assert ("Direct referral" in as_person(people[who]).get("/cycles").text) == (code == 200)


@pytest.mark.parametrize("who, code", expect(asker=303, colleague=303, addressee=403, outsider=404, steward=303))
def test_edit_a_cycle(as_person, world, who, code):
    people, threads = world
    data = {"title": "Changed", "noticed": "N", "visibility": "restricted"}
    assert as_person(people[who]).post("/cycles/%d/edit" % cycle(threads).id, data=data).status_code == code


@pytest.mark.parametrize("who, code", expect(asker=303, colleague=303, addressee=303, outsider=404, steward=303))
def test_add_an_entry_to_a_cycle(as_person, world, who, code):
    people, threads = world
    response = as_person(people[who]).post("/cycles/%d/entries" % cycle(threads).id, data={"note": "Tried it"})
    assert response.status_code == code


@pytest.mark.parametrize("who, code", expect(asker=403, colleague=403, addressee=403, outsider=404, steward=303))
def test_decide_a_proposed_cycle(as_person, world, who, code):
    people, threads = world
    proposal = cycle(threads, "proposed")
    response = as_person(people[who]).post("/cycles/%d/decision" % proposal.id, data={"decision": "accept"})
    assert response.status_code == code
    assert LearningCycle.get_by_id(proposal.id).status == ("noticing" if code == 303 else "proposed")


@pytest.mark.parametrize("who", PEOPLE)
def test_start_or_propose_a_cycle(as_person, world, who):
    people, _ = world
    client = as_person(people[who])
    page = client.get("/cycles/new").text
    assert ("Propose it to the steward" in page) == (who != "steward")
    data = {"title": "Mine", "noticed": "N", "visibility": "all", "action": "propose"}
    assert client.post("/cycles/new", data=data).status_code == 303
    made = LearningCycle.get(LearningCycle.title == "Mine")
    assert made.organisation_id == people[who].organisation_id
    assert made.status == ("noticing" if who == "steward" else "proposed")


def test_the_cycle_rule_and_its_list_filter_agree(world):
    people, threads = world
    cycle(threads)
    make_cycle(people["outsider"], title="Open to all")
    for person in people.values():
        listed = {c.id for c in LearningCycle.select().where(rules.cycle_visible_filter(person))}
        assert listed == {c.id for c in LearningCycle.select() if rules.can_see_cycle(person, c)}
