"""A question to two authorities where one answers: the board shows it waiting on the other one only."""

from playwright.sync_api import expect

from portal import demo

from .steps import expect_announced, settled, sign_in

QUESTION = "Who leads for a rough sleeper who moves between Kirkby and Bootle?"
ASKED = "He sleeps out on both sides of the border most weeks. Which of you should take the lead on his case?"
ANSWER = "Knowsley will lead while he is mostly in Kirkby; we will tell Sefton if that changes."
DEMO_QUESTION = "Local connection for people who sleep out across borough borders"


def waiting_on(board, title):
    """The board row's "Waiting on" list for the request called `title`."""
    row = board.get_by_role("listitem").filter(has=board.get_by_role("link", name=title))
    return row.get_by_role("term").filter(has_text="Waiting on").locator("xpath=following-sibling::dd[1]")


def board_for(board, organisation):
    board.goto("/board")
    settled(board)
    board.get_by_label("Organisation (asking or waited on)").select_option(label=organisation)
    expect(board.get_by_role("status").filter(has_text="Showing")).to_be_visible()
    settled(board)


def test_a_question_to_two_authorities_waits_on_the_one_that_has_not_answered(page, new_context, demo_region):
    sign_in(page, demo.WHITECHAPEL)
    page.goto("/threads/new")
    page.get_by_role("radio", name="Question").check()
    page.get_by_label("Title").fill(QUESTION)
    page.get_by_label("Message").fill(ASKED)
    page.get_by_role("checkbox", name="Knowsley Council").check()
    page.get_by_role("checkbox", name="Sefton Council").check()
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)

    steward = new_context().new_page()
    sign_in(steward, demo.STEWARD)
    board_for(steward, "The Whitechapel Centre")
    expect(waiting_on(steward, QUESTION)).to_contain_text("Knowsley Council:")
    expect(waiting_on(steward, QUESTION)).to_contain_text("Sefton Council:")

    knowsley = new_context().new_page()
    sign_in(knowsley, demo.KNOWSLEY)
    waiting = knowsley.get_by_role("region", name="Waiting for Knowsley Council")
    waiting.get_by_role("link", name=QUESTION).click()
    expect(knowsley.get_by_role("heading", level=1)).to_have_text(QUESTION)
    settled(knowsley)
    knowsley.get_by_label("Your reply").fill(ANSWER)
    knowsley.get_by_role("button", name="Send reply").click()
    expect_announced(knowsley, "Your reply is posted.")
    addressed = knowsley.get_by_role("term").filter(has_text="Addressed to").locator("xpath=following-sibling::dd[1]")
    expect(addressed).to_contain_text("Knowsley Council: replied")
    expect(addressed).to_contain_text("Sefton Council: not replied yet")

    board_for(steward, "The Whitechapel Centre")
    expect(waiting_on(steward, QUESTION)).to_contain_text("Sefton Council:")
    expect(waiting_on(steward, QUESTION)).not_to_contain_text("Knowsley")

    # The demo's own question to both, which Knowsley answered, waits on Sefton alone too.
    board_for(steward, "Sefton Council")
    expect(waiting_on(steward, DEMO_QUESTION)).to_contain_text("Sefton Council:")
    expect(waiting_on(steward, DEMO_QUESTION)).not_to_contain_text("Knowsley")
