"""Who may reach which store through its tunnel, and a row for every request that tried."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cloud.stores.models import Store


class RemoteAccessGrant(models.Model):
    """`user` may open `store`'s on-prem tier and rack pages through the tunnel.

    Per store and explicit even for superusers: reaching into a store is a separate decision
    from administering the cloud, and the grant list says who can.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remote_grants"
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="remote_grants")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["store__code", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "store"], name="one_grant_per_user_store")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.store}"


class RemoteRequest(models.Model):
    """The audit row of one proxied request, refused ones included (`refused` says why)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(max_length=150, blank=True, help_text="empty: anonymous")
    store = models.ForeignKey(Store, null=True, blank=True, on_delete=models.SET_NULL)
    store_code = models.CharField(max_length=64)
    method = models.CharField(max_length=16)
    path = models.CharField(max_length=2000, help_text="as asked, after /remote/{store}")
    status = models.PositiveSmallIntegerField(default=0)
    bytes = models.BigIntegerField(default=0, help_text="response body bytes sent to the client")
    duration_ms = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(db_index=True)
    refused = models.CharField(
        max_length=300, blank=True, help_text="why it was refused, if it was"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["store_code", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.username or 'anonymous'} {self.method} {self.store_code}{self.path}"
