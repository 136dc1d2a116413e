from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from onprem.catalog.models import Product
from onprem.core.tokens import issue_token

SYNC, STATUS = "/api/v1/integrations/erp/sync", "/api/v1/integrations/erp/status"


def client_with(scope: str) -> APIClient:
    get_user_model().objects.get_or_create(
        username=f"u-{scope}", defaults={"is_staff": scope == "staff"}
    )
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {issue_token(username=f'u-{scope}', scopes=[scope]).token}"
    )
    return client


def test_it_lets_staff_start_a_sync_and_see_how_it_went(db, erp):
    staff = client_with("staff")
    assert staff.post(SYNC, {"kind": "full"}, format="json").status_code == 202
    assert Product.objects.count() == 300
    runs = staff.get(STATUS).json()["runs"]
    assert {(r["kind"], r["full"], r["status"], r["created"]) for r in runs} == {
        ("products", True, "ok", 300),
        ("stock", True, "ok", 300),
    }


def test_it_explains_an_unknown_sync_kind(db, erp):
    response = client_with("staff").post(SYNC, {"kind": "everything"}, format="json")
    assert response.status_code == 400
    assert "full, incremental, stock" in str(response.json()["fields"]["kind"])


def test_it_keeps_shoppers_away_from_syncs(db, erp):
    assert client_with("shopper").post(SYNC, {"kind": "stock"}, format="json").status_code == 403
