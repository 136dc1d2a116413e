"""BI fixtures: people with and without the analytics permission, and a small seeded store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from onprem.analytics.rollups import roll_up_range, store_today
from onprem.analytics.seeding import Plan, seed_history

PAGES = ["/bi/", "/bi/baskets/", "/bi/shoppers/", "/bi/service/", "/bi/products/", "/bi/battery/"]
CSVS = ["adoption", "heatmap", "durations", "basket-sizes", "basket-values", "return-intervals",
        "help-abandoned", "top-products", "pairs", "battery"]


def analyst(username: str = "anna", *, staff: bool = True):
    """A user holding analytics.analytics (staff unless told otherwise)."""
    user = get_user_model().objects.create_user(username, is_staff=staff)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="analytics", codename="analytics"))
    return get_user_model().objects.get(pk=user.pk)  # a fresh object: no stale permission cache


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bi_client(db) -> Client:
    return signed_in(analyst())


@pytest.fixture
def seeded(db) -> Plan:
    """Three weeks of a 10-cart store ending yesterday, rolled up like the nightly task would."""
    plan = Plan(days=21, carts=10, seed=3, until=store_today() - timedelta(days=1))
    seed_history(plan)
    roll_up_range(plan.first, plan.until)
    return plan


def week_query(plan: Plan) -> str:
    return f"from={plan.first.isoformat()}&to={plan.until.isoformat()}"
