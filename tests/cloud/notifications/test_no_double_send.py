"""Two monitors (or a monitor and Celery beat) delivering at the same moment send each notice
once: the claiming UPDATE gives every notice to exactly one of them."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from cloud.notifications.models import Notice
from cloud.notifications.services import announce, claim, deliver_due

from .conftest import make_channel, make_incident, make_store


@pytest.mark.django_db(transaction=True)
def test_it_sends_each_notice_once_when_two_deliver_at_once(receiver):
    hook = receiver()
    for n in range(20):
        make_channel(f"hook {n}", "webhook", hook.url)
    store = make_store("store-001")
    announce(make_incident(store), "opened")
    start = threading.Barrier(2)
    results = []

    def monitor():
        start.wait()
        try:
            results.append(deliver_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=monitor) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    deliveries = Counter(r["headers"]["X-SmartCart-Delivery"] for r in hook.requests)
    assert len(deliveries) == 20 and set(deliveries.values()) == {1}
    assert sum(r["sent"] for r in results) == 20
    assert Notice.objects.filter(state="sent").count() == 20


def test_it_claims_a_notice_for_one_caller_only(store):
    make_channel("desk", "email", "desk@example.com")
    announce(make_incident(store), "opened")
    ids = list(Notice.objects.values_list("pk", flat=True))
    notice = Notice.objects.get()

    assert [n.pk for n in claim(ids, notice.next_attempt_at)] == ids
    assert claim(ids, notice.next_attempt_at) == []
