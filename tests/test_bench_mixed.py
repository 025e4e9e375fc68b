"""The mixed benchmark's machinery end to end on a tiny generated region, in a few seconds, so that it cannot rot:
gunicorn, the sign-in through the login form, the writer changing the region through tracking, each cache setting.
And the load runs' sign-in: it must give a signed-in session, and a page that redirects must stop a run."""

import json
import os
import subprocess
import sys

import pytest

from bench import load, mixed

pytest.importorskip("gunicorn")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny region (4 organisations, 40 threads, 700 posts) made by bench.generate in a process of its own."""
    folder = tmp_path_factory.mktemp("tiny")
    url = "sqlite:///%s" % (folder / "tiny.db")
    code = "import sys, pathlib, bench.generate as g; g.generate('tiny', sys.argv[1], pathlib.Path(sys.argv[2]))"
    environment = {"PORTAL_ENV": "development"}
    subprocess.run(
        [sys.executable, "-c", code, url, str(folder / "tiny.json")],
        cwd=load.ROOT,
        env={**os.environ, **environment},
        check=True,
        capture_output=True,
    )
    return json.loads((folder / "tiny.json").read_text()), folder


def test_sign_in_gives_a_session_and_a_redirect_stops_the_run(tiny):
    meta, folder = tiny
    with load.gunicorn(meta["url"], 1, folder / "gunicorn.log") as (port, pid):
        cookie = load.sign_in(port, meta["member"], meta["password"])
        assert "portal_session=" in cookie
        response, body = load.get(port, "/threads", cookie)
        assert response.status == 200 and b'action="/login"' not in body
        others = load.Others(pid, budget=0)
        with pytest.raises(load.NotAPage, match="/login"):
            load.hammer(port, "/threads", None, 1, 0.2, 5, 1, others)  # not signed in: redirected to /login
        with pytest.raises(RuntimeError, match="signing in"):
            load.sign_in(port, meta["member"], "not the password")


def test_mixed_benchmark_runs_end_to_end(tiny):
    meta, folder = tiny
    text = mixed.run(meta, folder, clients=1, duration=0.1, cap=10, workers=1, quiet=False, warmup=1)
    results = json.loads((folder / "mixed.json").read_text())
    assert (folder / "mixed.md").read_text() == text
    assert list(results) == [name for name, _ in mixed.CACHES]
    pages = [page.name for page in load.pages(meta)[1:]]
    for cache_name, _ in mixed.CACHES:
        assert list(results[cache_name]) == [rate for rate, _ in mixed.RATES]
        for rate, _ in mixed.RATES:
            assert list(results[cache_name][rate]["pages"]) == pages
            assert all(n["requests"] > 0 for n in results[cache_name][rate]["pages"].values())
        assert results[cache_name]["a change every 0.2 s"]["writes"]["writes"] > 0
    for page in pages:
        assert "| %s |" % page in text
    assert "SQL cache: best median gain" in text and "event cache: best median gain" in text
