"""One Celery app per Django tier; configuration comes from that tier's settings (CELERY_*)."""

from __future__ import annotations

import os

from celery import Celery


def make_app(tier: str) -> Celery:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{tier}.settings")
    app = Celery(tier)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.autodiscover_tasks()
    return app
