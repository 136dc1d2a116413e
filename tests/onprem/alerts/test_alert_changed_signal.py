"""alert_changed (kwarg alert_id) is sent once the change is committed, for every raise,
re-raise, acknowledge, resolve and automatic clear, and not for a message that changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from onprem.alerts import services
from onprem.alerts.models import Alert
from onprem.alerts.signals import alert_changed

from .conftest import ingest, status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def heard():
    got: list[int] = []

    def hear(*, alert_id, **_):
        got.append(alert_id)

    alert_changed.connect(hear, dispatch_uid="test-heard")
    yield got
    alert_changed.disconnect(dispatch_uid="test-heard")


def test_each_change_is_told_once(fleet, anna, heard):
    ingest(status("cart-001", "offline"))  # raise
    ingest(status("cart-001", "offline"))  # nothing new
    ingest(status("cart-001", "online"))  # clear
    ingest(status("cart-001", "offline"))  # re-raise (flapping)
    alert = Alert.objects.get()
    services.acknowledge(alert, anna)
    services.acknowledge(alert, anna)  # nothing new
    services.resolve(alert, anna)

    assert heard == [alert.pk] * 5


def test_nothing_is_told_before_the_commit_nor_after_a_rollback(fleet, anna, heard):
    ingest(status("cart-001", "offline"))
    alert = Alert.objects.get()
    heard.clear()

    with transaction.atomic():
        services.acknowledge(alert, anna)
        assert heard == []
    assert heard == [alert.pk]

    try:
        with transaction.atomic():
            services.resolve(alert, anna)
            raise RuntimeError("changed my mind")
    except RuntimeError:
        pass
    assert heard == [alert.pk] and Alert.objects.get().state == "acknowledged"
