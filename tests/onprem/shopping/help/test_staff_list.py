from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import bearer, help_url, named, open_session, send


def test_it_lists_unresolved_requests_first_newest_first(ada_session, ada_app, staff, carts):
    ben = named("ben@example.com", "Ben")
    ben_app = bearer(ben, "shopper")
    ben_session = open_session(ben, carts["cart-002"])
    ids = {}
    for name, app, session in [
        ("a", ada_app, ada_session),
        ("b", ben_app, ben_session),
        ("c", ada_app, ada_session),
    ]:
        ids[name] = send(app, help_url(session), {"reason": name}).json()["id"]
    send(staff, f"/api/v1/help-requests/{ids['c']}/resolve/")
    send(staff, f"/api/v1/help-requests/{ids['a']}/acknowledge/")

    with CaptureQueriesContext(connection) as queries:
        page = staff.get("/api/v1/help-requests/")

    assert page.status_code == 200
    assert [r["reason"] for r in page.json()["results"]] == ["b", "a", "c"]
    assert [r["state"] for r in page.json()["results"]] == ["open", "acknowledged", "resolved"]
    assert page.json()["results"][0]["cart"] == {"device_id": "cart-002", "name": "Cart 2"}
    assert len(queries) <= 5, [q["sql"] for q in queries.captured_queries]
    resolved = staff.get("/api/v1/help-requests/?state=resolved").json()
    assert resolved["count"] == 1 and resolved["results"][0]["id"] == ids["c"]
    one = staff.get(f"/api/v1/help-requests/{ids['a']}/").json()
    assert one["acknowledged_by"] == "Anna" and one["session"] == str(ada_session.pk)


def test_it_refuses_an_unknown_state_and_pages_the_list(ada_session, ada_app, staff):
    for n in range(3):
        send(ada_app, help_url(ada_session), {"reason": f"ask {n}"})

    bad = staff.get("/api/v1/help-requests/?state=lost")
    page = staff.get("/api/v1/help-requests/?limit=2")

    assert bad.status_code == 400 and "state" in bad.json()["fields"]
    assert page.json()["count"] == 3 and len(page.json()["results"]) == 2
    assert page.json()["next"]
