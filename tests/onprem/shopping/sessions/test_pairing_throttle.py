from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture
def three_misses_a_minute(settings, shopper):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "shopper_pairing": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    key = f"throttle_shopper_pairing_{shopper.pk}"
    cache.delete(key)
    yield
    cache.delete(key)


def pair(client, code: str):
    return client.post(
        "/api/v1/shopper/sessions/", {"cart_code": code}, content_type="application/json"
    )


def test_it_makes_a_shopper_guessing_codes_wait(shopper_client, three_misses_a_minute, cart):
    tries = [pair(shopper_client, f"GUESS00{n}") for n in range(3)]
    then = pair(shopper_client, cart.pairing_code)

    assert [r.status_code for r in tries] == [404, 404, 404]
    assert then.status_code == 429
    assert then.json()["detail"].startswith("Too many codes that no cart has")
    assert shopper_client.get("/api/v1/shopper/sessions/").status_code == 200


def test_it_does_not_count_codes_of_real_carts(
    shopper_client, other_client, three_misses_a_minute, cart
):
    assert pair(other_client, cart.pairing_code).status_code == 201

    statuses = [pair(shopper_client, cart.pairing_code).status_code for _ in range(5)]

    assert statuses == [409] * 5
