"""Two shoppers pair with one cart at the same instant: one session, one 409 `in_use`.

Only a server database has the concurrency to race (SQLite serialises every writer)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from onprem.fleet.models import Cart
from onprem.shopping.models import ShoppingSession
from onprem.shopping.sessions import SessionRefused, pair_cart
from tests.onprem.shopping.conftest import ready_cart, shopper_person

THREADS = 6


@pytest.fixture
def server_database(transactional_db):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs MariaDB (run with SMARTCART_DB_URL)")


def race(work) -> list:
    results: list = [None] * THREADS
    start = threading.Barrier(THREADS)

    def run(n: int) -> None:
        try:
            start.wait()
            results[n] = work(n)
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            results[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_it_gives_a_cart_to_one_of_many_shoppers_pairing_at_once(server_database):
    cart = ready_cart("cart-001")
    shoppers = [shopper_person(f"s{n}@example.com", f"S{n}") for n in range(THREADS)]

    results = race(lambda n: pair_cart(shopper=shoppers[n], cart_code=cart.pairing_code))

    won = [r for r in results if isinstance(r, ShoppingSession)]
    lost = [r for r in results if isinstance(r, SessionRefused)]
    assert len(won) == 1, results
    assert [r.reason for r in lost] == ["in_use"] * (THREADS - 1), results
    assert ShoppingSession.objects.filter(open_cart=cart).count() == 1
    assert Cart.objects.get(pk=cart.pk).in_session


def test_it_gives_a_shopper_one_of_many_carts_paired_at_once(server_database):
    carts = [ready_cart(f"cart-{n:03d}") for n in range(THREADS)]
    shopper = shopper_person("sam@example.com", "Sam")

    results = race(lambda n: pair_cart(shopper=shopper, cart_code=carts[n].pairing_code))

    won = [r for r in results if isinstance(r, ShoppingSession)]
    lost = [r for r in results if isinstance(r, SessionRefused)]
    assert len(won) == 1, results
    assert {r.reason for r in lost} == {"already_shopping"}, results
    assert {r.session_id for r in lost} == {won[0].pk}
    assert Cart.objects.filter(in_session=True).count() == 1
