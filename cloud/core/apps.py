from django.apps import AppConfig


class Config(AppConfig):
    name = "cloud.core"
    label = "cloud_core"

    def ready(self) -> None:
        # The cloud's Celery app becomes current when (and only when) the cloud tier starts.
        from cloud import celery  # noqa: F401
