from __future__ import annotations

from cloud.commands.services import request_store_command
from cloud.stores.models import Store
from cloud.stores.services import register_store

COMMANDS = "/api/v1/stores/store-001/commands/"


def test_it_lists_a_stores_commands_newest_first_in_few_queries(
    ops_api, store_key, django_assert_max_num_queries
):
    store = Store.objects.get(code="store-001")
    other, _ = register_store(code="store-002", name="Two")
    names = ["ping", "fleet.summary", "erp.sync"]
    for name in names:
        request_store_command(store=store, name=name, args={}, ttl_s=60, requested_by="ops")
    request_store_command(store=other, name="ping", args={}, ttl_s=60, requested_by="ops")

    with django_assert_max_num_queries(6):
        body = ops_api.get(COMMANDS).json()

    assert body["count"] == 3  # the other store's command is not in this store's list
    assert [c["name"] for c in body["results"]] == list(reversed(names))
    assert (
        ops_api.get(f"{COMMANDS}?limit=1&offset=1").json()["results"][0]["name"] == "fleet.summary"
    )
