"""Celery app of the cloud tier (worker: celery -A cloud worker)."""

from smartcart.celeryapp import make_app

app = make_app("cloud")
