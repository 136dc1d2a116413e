from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api.views import CommandViewSet, DeviceCommandView

router = SimpleRouter()
router.register("commands", CommandViewSet, basename="command")
urlpatterns = [
    path(
        "carts/<str:device_id>/commands/",
        DeviceCommandView.as_view(kind="cart"),
        name="cart-commands",
    ),
    path(
        "racks/<str:device_id>/commands/",
        DeviceCommandView.as_view(kind="rack"),
        name="rack-commands",
    ),
    *router.urls,
]
