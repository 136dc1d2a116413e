"""Celery app of the onprem tier (worker: celery -A onprem worker)."""

from smartcart.celeryapp import make_app

app = make_app("onprem")
