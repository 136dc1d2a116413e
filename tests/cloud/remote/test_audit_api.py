from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from cloud.remote.services import Attempt, record_request
from cloud.stores.models import Store
from cloud.stores.services import register_store
from tests.cloud.conftest import raw_token_client

from .conftest import bearer, ops_user


def audited(code: str, path: str) -> None:
    store = Store.objects.filter(code=code).first()
    attempt = Attempt("GET", path, code, timezone.now(), store=store, status=200, bytes=10)
    record_request(attempt=attempt, duration_ms=3)


def client(headers: dict) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=headers["Authorization"])
    return api


def test_it_asks_anonymous_callers_to_sign_in(db, client):
    assert client.get("/api/v1/remote-audit/").status_code == 401


def test_it_refuses_a_token_without_the_ops_scope(db):
    reader = get_user_model().objects.create_user("reader", is_staff=True)
    answer = raw_token_client(reader, "read").get("/api/v1/remote-audit/")

    assert answer.status_code == 403
    assert answer.json()["detail"] == "Token lacks scope: needs one of ops."


def test_it_lists_a_stores_requests_newest_first_for_a_superuser(db, store_key):
    register_store(code="store-002", name="Two")
    audited("store-001", "/api/v1/carts/")
    audited("store-002", "/api/v1/racks/")
    audited("store-001", "/api/v1/carts/cart-001/")
    admin = client(bearer(ops_user("root", superuser=True)))

    rows = admin.get("/api/v1/remote-audit/", {"store": "store-001"}).json()["results"]

    assert [r["path"] for r in rows] == ["/api/v1/carts/cart-001/", "/api/v1/carts/"]
    assert rows[0]["store"] == "store-001" and rows[0]["bytes"] == 10
    assert admin.get("/api/v1/remote-audit/").json()["count"] == 3


def test_it_shows_other_ops_only_the_stores_they_may_reach(db, store_key):
    register_store(code="store-002", name="Two")
    audited("store-001", "/api/v1/carts/")
    audited("store-002", "/api/v1/racks/")
    ops = client(bearer(ops_user("ops-one", store="store-001")))

    rows = ops.get("/api/v1/remote-audit/").json()["results"]

    assert [r["store"] for r in rows] == ["store-001"]
    assert ops.get("/api/v1/remote-audit/", {"store": "store-002"}).json()["count"] == 0


def test_it_refuses_a_store_filter_that_is_no_store_code(db, store_key):
    ops = client(bearer(ops_user("ops-one", store="store-001")))

    answer = ops.get("/api/v1/remote-audit/", {"store": "no such/store"})

    assert answer.status_code == 400
    assert "store" in answer.json()["fields"]
