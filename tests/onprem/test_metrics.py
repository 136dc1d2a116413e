"""/metrics on the store: refused without the token, and the store's own figures move when ingest
stores a reading or dead-letters a message."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.onprem.fleet.conftest import (  # noqa: F401 - fixtures
    cart_message,
    fleet,
    ingest,
    message,
    staff_api,
)
from tests.scrape import TOKEN, sample, samples, scrape


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def test_it_is_off_with_a_sentence_when_no_token_is_set(db, settings):
    settings.METRICS_TOKEN = ""
    answer = scrape(Client())

    assert answer.status_code == 404
    assert "set SMARTCART_METRICS_TOKEN" in answer.json()["detail"]


def test_it_refuses_a_scrape_without_the_token_or_with_a_wrong_one(db, metrics_on):
    missing = scrape(Client(), token=None)
    wrong = scrape(Client(), token="not-the-token")

    assert missing.status_code == 401 and "Authorization: Bearer" in missing.json()["detail"]
    assert wrong.status_code == 403 and wrong.json()["detail"] == "wrong metrics token"


def test_it_counts_what_ingest_stored_and_dead_lettered(fleet, metrics_on):  # noqa: F811
    before = scrape(Client())
    assert before.status_code == 200
    assert sample(before.text, "smartcart_ingest_stored_total", worker="ingest") is None
    assert sample(before.text, "smartcart_devices", kind="cart", state="offline") == 3

    ingest(cart_message("cart-001", 0), cart_message("cart-002", 0),
           message("smartcart/store-001/cart/cart-001/telemetry", b"not json"))
    after = scrape(Client()).text

    assert sample(after, "smartcart_ingest_stored_total", worker="ingest") == 2
    assert sample(after, "smartcart_ingest_dead_letters_total", worker="ingest") == 1
    assert sample(after, "smartcart_dead_letters_recent") == 1
    assert sample(after, "smartcart_ingest_lag_ms", worker="ingest") >= 0
    assert sample(after, "smartcart_devices", kind="cart", state="online") == 2


def test_it_counts_commands_by_state(fleet, metrics_on, staff_api):  # noqa: F811
    sent = staff_api.post("/api/v1/carts/cart-001/commands/", {"command": "locate", "args": {"seconds": 2}},
                          format="json")
    assert sent.status_code in (201, 202), sent.content

    text = scrape(Client()).text

    assert sum(s.value for s in samples(text, "smartcart_device_commands")) == 1


def test_it_serves_django_prometheus_request_metrics(db, metrics_on):
    Client().get("/healthz")

    assert "django_http_requests_total_by_method_total" in scrape(Client()).text

