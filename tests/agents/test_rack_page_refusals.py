"""The rack page's force-update form refuses, on the page and without asking the store, a post
without its security token, from another site, with a wrong PIN (and locks after five), or for
a cart not docked in this rack: the store records no job."""

from __future__ import annotations

import httpx
import pytest

from tests.agents import rack_page_store
from tests.agents.rack_page_store import PIN, docked_in, form_token, notice

store_with_a_release, rack_page = rack_page_store.store_with_a_release, rack_page_store.rack_page
pytestmark = pytest.mark.timeout(120)


def test_it_refuses_forged_wrong_and_undocked_requests_and_asks_nothing(rack_page):
    from onprem.updates.models import UpdateJob

    cart = docked_in("rack-01")[0]
    form = {"csrf": form_token(rack_page.get("/")), "cart": cart, "version": "1.1.0", "pin": PIN}

    no_token = rack_page.post("/update", data={**form, "csrf": ""})
    stale_token = rack_page.post("/update", data={**form, "csrf": "0" * 64})
    other_login = httpx.post(
        f"{rack_page.base_url}/update", data=form, auth=("technician", "guess")
    )
    cross_site = rack_page.post("/update", data=form, headers={"Origin": "http://evil.example"})
    wrong_pin = rack_page.post("/update", data={**form, "pin": "0000"})
    not_docked = rack_page.post("/update", data={**form, "cart": "cart-999"})
    no_version = rack_page.post("/update", data={**form, "version": "latest"})
    not_an_id = rack_page.post("/update", data={**form, "cart": "<b>cart</b>"})

    assert no_token.status_code == stale_token.status_code == 403
    assert notice(no_token).startswith("the form's security token is missing or stale")
    assert notice(stale_token).startswith("the form's security token is missing or stale")
    assert other_login.status_code == 401
    assert cross_site.status_code == 403 and "another site" in notice(cross_site)
    assert wrong_pin.status_code == 403
    assert notice(wrong_pin) == "wrong technician PIN: nothing was requested"
    assert not_docked.status_code == 409
    assert notice(not_docked) == "cart-999 is not docked in rack rack-01 now: dock it first"
    assert no_version.status_code == 400 and "pick a release" in notice(no_version)
    assert not_an_id.status_code == 400 and "<b>" not in not_an_id.text
    assert notice(not_an_id).startswith("say which cart to update (its id)")
    assert not UpdateJob.objects.exists()


def test_it_locks_the_form_after_five_wrong_pins(rack_page):
    from onprem.updates.models import UpdateJob

    form = {"csrf": form_token(rack_page.get("/")), "scope": "rack", "version": "1.1.0"}

    wrong = [rack_page.post("/update", data={**form, "pin": f"000{n}"}) for n in range(5)]
    right_but_locked = rack_page.post("/update", data={**form, "pin": PIN})

    assert [r.status_code for r in wrong] == [403] * 5
    assert "5 in a row lock the form for 300 s" in notice(wrong[-1])
    assert right_but_locked.status_code == 403
    assert notice(right_but_locked).startswith(
        "too many wrong PINs: the form is locked for another"
    )
    assert not UpdateJob.objects.exists()
