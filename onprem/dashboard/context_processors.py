from __future__ import annotations

from django.conf import settings


def store(request) -> dict:
    """`store_name` for the dashboard's header (SMARTCART_STORE_NAME)."""
    return {"store_name": settings.STORE_NAME}
