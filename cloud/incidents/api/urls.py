from django.urls import re_path
from rest_framework.routers import SimpleRouter

from .views import IncidentViewSet, StoreIncidentsView

router = SimpleRouter()
router.register("incidents", IncidentViewSet, basename="incident")
urlpatterns = [
    *router.urls,
    re_path(
        r"^stores/(?P<code>[A-Za-z0-9_.-]{1,64})/incidents/$",
        StoreIncidentsView.as_view(),
        name="store-incidents",
    ),
]
