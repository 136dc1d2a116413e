"""The store's /healthz says which version answers: the updater's probe and confirm compare
it with the release they expect (a stale process that did not restart answers the old one)."""

from __future__ import annotations

from smartcart.software import running_version


def test_it_says_the_version_that_answers(db, client):
    body = client.get("/healthz").json()

    assert body["version"] == running_version()
