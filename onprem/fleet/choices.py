from django.db import models


class DeviceKind(models.TextChoices):
    RACK = "rack"
    CART = "cart"


class Health(models.TextChoices):
    UNKNOWN = "unknown"
    OK = "ok"
    DEGRADED = "degraded"
    FAULT = "fault"
