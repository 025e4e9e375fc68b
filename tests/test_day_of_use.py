"""What a day of real use found (issue 19), through the HTTP client: error summaries that lead to a control."""

import re

import pytest

from .builders import make_org, make_user


@pytest.mark.parametrize(
    ("change", "message", "first_box"),
    [
        ({"addressed_to": []}, "Choose at least one organisation to address this need to", "addressed_to-0"),
        ({"kind": "rumour"}, "Choose update, need or question", "kind-0"),
    ],
)
def test_an_error_about_a_list_of_boxes_links_to_its_first_box(as_person, change, message, first_box):
    council = make_org("Council", kind="local_authority")
    data = {"kind": "need", "title": "Beds", "body": "Any?", "addressed_to": [council.id], "visibility": "all"}
    response = as_person(make_user(make_org("Charity"))).post("/threads/new", data={**data, **change})
    assert response.status_code == 422
    assert '<a href="#%s">%s</a>' % (first_box, message) in response.text
    assert re.search(r'<input[^>]*id="%s"' % first_box, response.text)
