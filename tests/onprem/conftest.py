from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def celery_eager():
    # Tests run tasks in the caller even when SMARTCART_REDIS_URL points at a real Redis:
    # no worker runs beside pytest. Redis still backs the cache and the channel layer.
    from onprem.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
