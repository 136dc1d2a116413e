from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def celery_eager(settings):
    # Tests run tasks in the caller even when SMARTCART_REDIS_URL points at a real Redis:
    # no worker runs beside pytest. Redis still backs the cache and the channel layer.
    settings.CELERY_TASK_ALWAYS_EAGER = True
