"""Scraping /metrics in tests: the value of one sample of the Prometheus text."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

TOKEN = "metrics-token-for-tests-0123456789"


def scrape(client, token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.get("/metrics", **headers)


def samples(text: str, name: str) -> list:
    return [s for f in text_string_to_metric_families(text) for s in f.samples if s.name == name]


def sample(text: str, name: str, **labels) -> float | None:
    """The value of sample `name` with these labels, None when the scrape has no such sample."""
    for s in samples(text, name):
        if all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    return None
