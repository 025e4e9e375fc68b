"""Barrier proposals: every partner proposes a barrier; the steward sees them on the barriers page and the desk,
and accepts (it joins the register), merges into a barrier there, or declines with a reason the proposer sees."""

import pytest
from playhouse.test_utils import count_queries

from portal import learning
from portal.models import Barrier, BarrierProposal, Event, Notification

from .builders import make_org, make_steward, make_user


@pytest.fixture
def as_person(as_person):
    """One signed-in client per person for the whole test."""
    clients = {}

    def client_for(person):
        if person.id not in clients:
            clients[person.id] = as_person(person)
        return clients[person.id]

    return client_for


@pytest.fixture
def people():
    charity = make_org("Hope Charity")
    return {
        "proposer": make_user(charity, name="Ana Okafor"),
        "colleague": make_user(charity),
        "outsider": make_user(make_org("Riverside Council", kind="local_authority")),
        "steward": make_steward(name="Sam Reid"),
    }


def propose(client, title="Day centre closes at 4", description="People leave with *nowhere* to go."):
    return client.post("/barriers/propose", data={"title": title, "description": description})


def test_a_member_proposes_a_barrier_and_the_steward_is_told(as_person, people):
    client = as_person(people["proposer"])
    assert "Propose a barrier" in client.get("/barriers").text
    empty = propose(client, title="  ")
    assert empty.status_code == 422 and "Say what the barrier is" in empty.text
    response = propose(client)
    proposal = BarrierProposal.get()
    assert response.status_code == 303 and response.headers["Location"] == "/barriers/proposals/%d" % proposal.id
    assert proposal.status == "proposed" and "<em>nowhere</em>" in proposal.description_html
    page = client.get("/barriers/proposals/%d" % proposal.id).text
    assert "Waiting for the steward" in page and "The steward has not decided yet" in page and "Decide" not in page
    assert Event.get(Event.action == "barrier_proposed").data["proposal"] == proposal.id
    notice = Notification.get(Notification.user == people["steward"].id)
    assert notice.kind == "barrier_proposed"
    steward = as_person(people["steward"])
    assert (
        "Ana Okafor proposed a barrier for the register: “Day centre closes at 4”."
        in steward.get("/notifications").text
    )
    assert "1 waiting for you" in steward.get("/barriers").text
    home = steward.get("/").text
    assert '<span class="overview__number">1</span> proposed barrier to decide' in home
    assert Barrier.select().count() == 0  # not in the register until the steward says so


def test_proposals_are_their_organisations_and_the_stewards(as_person, people):
    propose(as_person(people["proposer"]))
    proposal = BarrierProposal.get()
    path = "/barriers/proposals/%d" % proposal.id
    colleague, outsider = as_person(people["colleague"]), as_person(people["outsider"])
    assert outsider.post(path + "/decide", data={"decision": "accept"}).status_code == 404
    assert as_person(people["proposer"]).post(path + "/decide", data={"decision": "accept"}).status_code == 403
    assert colleague.get(path).status_code == 200
    assert outsider.get(path).status_code == 404
    assert "Day centre" in colleague.get("/barriers/proposals").text
    assert "Day centre" not in outsider.get("/barriers/proposals").text
    assert as_person(people["steward"]).get("/barriers/proposals/99999").status_code == 404
    assert BarrierProposal.get().status == "proposed"


def test_the_steward_accepts_a_proposal_into_the_register(as_person, people):
    propose(as_person(people["proposer"]))
    proposal = BarrierProposal.get()
    response = as_person(people["steward"]).post(
        "/barriers/proposals/%d/decide" % proposal.id, data={"decision": "accept"}
    )
    barrier = Barrier.get()
    assert response.status_code == 303 and response.headers["Location"] == "/barriers/%d" % barrier.id
    assert barrier.title == "Day centre closes at 4" and "<em>nowhere</em>" in barrier.description_html
    proposal = BarrierProposal.get()
    assert proposal.status == "accepted" and proposal.barrier_id == barrier.id
    assert {"barrier_raised", "barrier_proposal_accepted"} <= {e.action for e in Event.select()}
    proposer = as_person(people["proposer"])
    assert "Sam Reid accepted the barrier you proposed" in proposer.get("/notifications").text
    page = proposer.get("/barriers/proposals/%d" % proposal.id).text
    assert "Accepted: in the register" in page and 'href="/barriers/%d"' % barrier.id in page
    again = as_person(people["steward"]).post(
        "/barriers/proposals/%d/decide" % proposal.id, data={"decision": "accept"}
    )
    assert again.status_code == 303 and Barrier.select().count() == 1  # decided once only


def test_the_steward_merges_a_proposal_into_a_barrier_already_there(as_person, people):
    steward = people["steward"]
    panel = learning.save_barrier(steward, "Panel only meets weekly", "", [])
    propose(as_person(people["proposer"]), title="Referral panel too slow")
    proposal = BarrierProposal.get()
    client = as_person(steward)
    path = "/barriers/proposals/%d/decide" % proposal.id
    missing = client.post(path, data={"decision": "merge", "barrier": "0"})
    assert missing.status_code == 422 and "Choose the barrier in the register that it is" in missing.text
    assert client.post(path, data={"decision": "merge", "barrier": "nonsense"}).status_code == 422
    response = client.post(path, data={"decision": "merge", "barrier": str(panel.id)})
    assert response.status_code == 303 and response.headers["Location"] == "/barriers/%d" % panel.id
    assert BarrierProposal.get().status == "merged" and BarrierProposal.get().barrier_id == panel.id
    assert Barrier.select().count() == 1
    notices = as_person(people["proposer"]).get("/notifications").text
    assert "merged the barrier you proposed, “Referral panel too slow”, into “Panel only meets weekly”" in notices


def test_the_steward_declines_with_a_reason_the_proposer_sees(as_person, people):
    propose(as_person(people["proposer"]))
    proposal = BarrierProposal.get()
    client = as_person(people["steward"])
    path = "/barriers/proposals/%d/decide" % proposal.id
    missing = client.post(path, data={"decision": "decline", "reason": " "})
    assert missing.status_code == 422 and "Say why it is declined" in missing.text
    assert client.post(path, data={"decision": "shrug"}).status_code == 422
    assert client.post(path, data={"decision": "decline", "reason": "It is a funding question"}).status_code == 303
    assert BarrierProposal.get().status == "declined" and Barrier.select().count() == 0
    assert Event.get(Event.action == "barrier_proposal_declined").data["reason"] == "It is a funding question"
    proposer = as_person(people["proposer"])
    page = proposer.get("/barriers/proposals/%d" % proposal.id).text
    assert "Why it was declined" in page and "It is a funding question" in page
    assert "Their reason: “It is a funding question”" in proposer.get("/notifications").text
    assert "Declined" in proposer.get("/barriers/proposals").text


def test_the_proposals_list_pages_and_costs_the_same_few_queries_for_one_or_many(as_person, people):
    client = as_person(people["steward"])
    propose(as_person(people["proposer"]))

    def queries():
        with count_queries() as counted:
            assert client.get("/barriers/proposals").status_code == 200
        return counted.count

    few = queries()
    for number in range(12):
        propose(as_person(people["proposer"]), title="Barrier %d" % number)
    assert queries() == few <= 6
    assert "Page 2" in client.get("/barriers/proposals?page=2").text
    assert "no more proposals on page 50" in client.get("/barriers/proposals?page=50").text
