from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from cloud.stores.models import Store
from cloud.stores.services import StoreError, authenticate_store, register_store


def test_it_registers_a_store_and_keeps_only_the_key_hash(db):
    store, key = register_store(code="store-042", name="Lyon Part-Dieu")

    stored = Store.objects.get(code="store-042")
    assert len(key) >= 40
    assert key not in (stored.key_hash, stored.key_prefix + stored.key_hash)
    assert stored.key_prefix == key[:8] and stored.name == "Lyon Part-Dieu"
    assert stored.online is False and stored.last_heartbeat_at is None


def test_it_authenticates_a_store_only_with_its_own_key(db, store_key):
    _, other_key = register_store(code="store-002", name="Store two")

    assert authenticate_store(code="store-001", key=store_key).code == "store-001"
    assert authenticate_store(code="store-001", key=other_key) is None
    assert authenticate_store(code="store-001", key="") is None
    assert authenticate_store(code="store-999", key=store_key) is None


def test_it_refuses_a_duplicate_or_malformed_store_code(db, store_key):
    with pytest.raises(StoreError, match="already registered"):
        register_store(code="store-001", name="again")
    with pytest.raises(StoreError, match="letters, digits"):
        register_store(code="store 1/a", name="bad")
    with pytest.raises(StoreError, match="at least 24"):
        register_store(code="store-003", name="short key", key="short")


def test_it_prints_a_working_key_from_the_register_store_command(db, capsys):
    call_command("register_store", "store-007", "--name", "Nantes")

    key = capsys.readouterr().out.strip()
    assert authenticate_store(code="store-007", key=key).name == "Nantes"


def test_it_fails_the_register_store_command_with_a_sentence(db, store_key):
    with pytest.raises(CommandError, match="store store-001 is already registered"):
        call_command("register_store", "store-001")
