"""Remote access verbs: grant it, check it, audit every request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from cloud.stores.models import Store

from .models import RemoteAccessGrant, RemoteRequest


def grant_remote_access(*, user, store: Store) -> RemoteAccessGrant:
    """Let `user` open `store` through its tunnel (idempotent)."""
    with transaction.atomic():
        grant, _ = RemoteAccessGrant.objects.get_or_create(user=user, store=store)
    return grant


def may_reach(*, user, store: Store) -> bool:
    return RemoteAccessGrant.objects.filter(user=user, store=store).exists()


@dataclass
class Attempt:
    """What the audit row of one proxied request will say; filled in as the request goes."""

    method: str
    path: str
    store_code: str
    started_at: datetime
    user: object | None = None
    store: Store | None = None
    status: int = 0
    bytes: int = 0
    refused: str = ""


def record_request(*, attempt: Attempt, duration_ms: int) -> RemoteRequest:
    """Write the audit row of one request, refused or served."""
    user = attempt.user if getattr(attempt.user, "is_authenticated", False) else None
    with transaction.atomic():
        return RemoteRequest.objects.create(
            user=user,
            username=user.get_username() if user else "",
            store=attempt.store,
            store_code=attempt.store_code[:64],
            method=attempt.method[:16],
            path=attempt.path[:2000],
            status=attempt.status,
            bytes=attempt.bytes,
            duration_ms=max(0, duration_ms),
            started_at=attempt.started_at,
            refused=attempt.refused[:300],
        )


def audit_visible_to(user) -> QuerySet[RemoteRequest]:
    """Superusers read the whole audit; other ops read the stores they may reach."""
    rows = RemoteRequest.objects.all()
    if user.is_superuser:
        return rows
    return rows.filter(store__remote_grants__user=user)
