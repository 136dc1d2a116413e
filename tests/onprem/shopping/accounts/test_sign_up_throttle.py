"""Sign-ups are limited per client address: a burst, and an hour; a forged header is no escape."""

from __future__ import annotations

from django.test import Client

from .conftest import fresh_address, sign_up


def test_it_answers_429_with_a_sentence_after_the_burst(api):
    got = [sign_up(api, email=f"s{n}@example.com").status_code for n in range(6)]

    throttled = sign_up(api, email="late@example.com")
    assert got == [201] * 5 + [429]
    assert throttled.status_code == 429
    assert throttled.json()["error"] == "throttled"
    assert throttled.json()["detail"].startswith("Too many sign-ups from this address.")
    assert int(throttled.headers["Retry-After"]) > 0
    assert sign_up(Client(REMOTE_ADDR=fresh_address()), email="else@example.com").status_code == 201


def test_it_counts_bad_attempts_too(api):
    got = [sign_up(api, email="not-an-email").status_code for _ in range(6)]

    assert got == [400] * 5 + [429]


def test_it_has_an_hourly_limit_beside_the_burst(api, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **rates,
            "shopper_signup_burst": "100/min",
            "shopper_signup_hourly": "3/hour",
        },
    }

    got = [sign_up(api, email=f"h{n}@example.com").status_code for n in range(4)]

    assert got == [201, 201, 201, 429]


def test_a_forged_forwarded_for_header_does_not_reset_the_count(api):
    got = [
        sign_up(api, email=f"f{n}@example.com", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(6)
    ]

    assert got == [201] * 5 + [429]
