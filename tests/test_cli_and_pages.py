"""Command-line tasks, the demo data, error pages and health."""

import pytest

from portal.models import Organisation, Outbox, Thread, ThreadAddressee, User

from .builders import make_org, make_steward, make_user


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_create_steward_on_an_empty_database(cli, client):
    result = cli.invoke(
        args=["create-steward", "--email", "Boss@Example.org", "--name", "Sam Steward"],
        input="a long password 1\na long password 1\n",
    )
    assert result.exit_code == 0, result.output
    steward = User.get(User.email == "boss@example.org")
    assert steward.role == "steward" and steward.organisation.kind == "commissioner"
    client.sign_in(steward, "a long password 1")
    again = cli.invoke(
        args=["create-steward", "--email", "two@example.org", "--name", "Two"],
        input="a long password 1\na long password 1\n",
    )
    assert again.exit_code != 0 and "A steward exists already" in again.output


def test_create_steward_refuses_a_short_password(cli):
    result = cli.invoke(args=["create-steward", "--email", "a@example.org", "--name", "A"], input="short\nshort\n")
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    assert not User.select().exists()


def test_seed_demo_fills_an_empty_database_once(cli, client):
    result = cli.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert Organisation.select().count() == 10
    crash_pad = Thread.get(Thread.title.contains("crash pad"))
    assert crash_pad.status == "open" and crash_pad.organisation.name == "The Whitechapel Centre"
    st_helens = ThreadAddressee.get(ThreadAddressee.thread == crash_pad.id)
    assert st_helens.organisation.name == "St Helens Borough Council" and st_helens.replied_at is None
    assert {t.status for t in Thread.select()} >= {None, "open", "answered", "resolved"}
    assert Thread.select().where(Thread.visibility == "restricted").count() == 1
    for email in (
        "steward@lcr.example.org",
        "outreach@lcr.example.org",
        "staff@whitechapel.example.org",
        "staff@salvationarmy.example.org",
        "officer@sthelens.example.org",
        "officer@liverpool.example.org",
    ):
        client.sign_in(User.get(User.email == email), "outreach-demo-2026")
        client.sign_out()
    assert cli.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert Organisation.select().count() == 10
    refused = cli.invoke(args=["seed-demo"])
    assert refused.exit_code != 0 and "already has data" in refused.output


def test_the_portal_is_ready_right_after_the_demo_is_seeded(cli, client):
    assert cli.invoke(args=["seed-demo"]).exit_code == 0
    assert Outbox.select().exists()  # the demo's weeks of history wrote e-mail, dated then
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["outbox"] == "ok", ready.json


def test_migrate_is_idempotent(cli):
    result = cli.invoke(args=["migrate"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_not_found_page_is_in_the_layout(as_person):
    response = as_person(make_user()).get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text and "Partner portal" in response.text


def test_forbidden_page_is_in_the_layout(as_person):
    response = as_person(make_user()).get("/people")
    assert response.status_code == 403 and "You cannot do that" in response.text


def test_healthz_needs_no_sign_in(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_every_response_varies_on_hx_request_and_has_security_headers(client):
    response = client.get("/login")
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_htmx_is_vendored_and_served_locally(client):
    page = client.get("/login").text
    assert '<script src="/static/htmx-2.0.11.min.js" defer></script>' in page
    with client.get("/static/htmx-2.0.11.min.js") as script:
        assert script.status_code == 200 and script.data.startswith(b"var htmx=")


def test_steward_sees_people_link_and_members_do_not(as_person):
    assert 'href="/people"' in as_person(make_steward()).get("/").text
    assert 'href="/people"' not in as_person(make_user(make_org())).get("/").text
