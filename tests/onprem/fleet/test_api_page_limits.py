"""Every list is bounded: ?limit= at most 500, and a limit or offset no database can take is a 400."""

from __future__ import annotations

from django.utils import timezone

from onprem.fleet.dead_letters import dead_letter
from onprem.fleet.models import Cart, DeadLetter

DEAD_LETTERS = "/api/v1/dead-letters/"


def dead_letters(count: int, payload: bytes = b"{") -> None:
    now = timezone.now()
    topic = "smartcart/store-001/cart/x/telemetry"
    DeadLetter.objects.bulk_create(
        dead_letter(topic=topic, payload=payload, reason="not JSON", received_at=now)
        for _ in range(count)
    )


def test_it_caps_a_list_page_at_500_rows_whatever_limit_is_asked(fleet, staff_api):
    store = Cart.objects.get(device_id="cart-001").store
    Cart.objects.bulk_create(
        Cart(store=store, device_id=f"bulk-{n:03}", mqtt_username=f"bulk-{n:03}")
        for n in range(498)
    )

    page = staff_api.get("/api/v1/carts/?limit=100000").json()

    assert page["count"] == 501
    assert len(page["results"]) == 500
    assert "offset=500" in page["next"]


def test_a_dead_letter_page_holds_at_most_100_rows_and_a_few_mb(staff_api):
    # The worst body: every byte a control character, which JSON writes as \u0001 (6 bytes).
    dead_letters(101, payload=b"\x01" * 65536)

    response = staff_api.get(f"{DEAD_LETTERS}?limit=1000")

    assert len(response.json()["results"]) == 100
    assert len(response.content) < 3 * 1024 * 1024


def test_a_limit_past_2_to_the_63_is_the_largest_page_not_a_500(staff_api):
    dead_letters(2)

    response = staff_api.get(f"{DEAD_LETTERS}?limit={2**63}&offset={2**64}")
    first = staff_api.get(f"{DEAD_LETTERS}?limit={2**63}")

    assert response.status_code == 200 and response.json()["results"] == []
    assert first.status_code == 200 and len(first.json()["results"]) == 2


def test_a_limit_or_offset_that_is_not_a_whole_number_is_a_400_that_says_why(staff_api):
    answers = {
        q: staff_api.get(f"{DEAD_LETTERS}?{q}")
        for q in ("limit=abc", "limit=0", "offset=-1", "limit=1&limit=2")
    }

    assert {q: r.status_code for q, r in answers.items()} == dict.fromkeys(answers, 400)
    assert answers["limit=abc"].json()["fields"] == {
        "limit": ["must be a whole number from 1 up, not 'abc'"]
    }
    assert answers["offset=-1"].json()["fields"] == {
        "offset": ["must be a whole number from 0 up, not '-1'"]
    }
    assert answers["limit=1&limit=2"].json()["fields"] == {"limit": ["give this parameter once"]}


def test_a_telemetry_page_is_capped_too_and_a_forged_cursor_is_a_400(fleet, staff_api):
    url = "/api/v1/carts/cart-001/telemetry/"

    huge = staff_api.get(f"{url}?limit={2**70}")
    forged = staff_api.get(f"{url}?cursor=cD1ub3QtYS1kYXRl")  # p=not-a-date
    garbled = staff_api.get(f"{url}?cursor=J()")

    assert huge.status_code == 200
    assert (forged.status_code, garbled.status_code) == (400, 400)
    assert "follow the page's next or previous link" in forged.json()["fields"]["cursor"][0]
