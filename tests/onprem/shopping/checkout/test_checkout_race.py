"""Many checkouts of one basket at the same instant (a double tap, a retry racing the first):
one payment, one job on the terminal. Only a server database can race (SQLite serialises)."""

from __future__ import annotations

import pytest
from django.db import connection

from onprem.shopping import checkout
from onprem.shopping.models import Payment
from tests.onprem.shopping.sessions.test_pairing_race import race


@pytest.fixture
def server_database(transactional_db):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs MariaDB (run with SMARTCART_DB_URL)")


def test_it_makes_one_payment_and_one_terminal_job(server_database, visit, terminal):
    results = race(lambda n: checkout.start_checkout(session=visit, method="cashless"))

    assert all(isinstance(r, tuple) for r in results), results
    assert [created for _, created in results].count(True) == 1
    assert len({payment.pk for payment, _ in results}) == 1
    assert Payment.objects.count() == 1
    assert len(terminal.jobs()) == 1
