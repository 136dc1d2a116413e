from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from .help import HelpRequestViewSet, SessionHelpView

router = SimpleRouter()
router.register("api/v1/help-requests", HelpRequestViewSet, basename="help-request")

urlpatterns = [
    path(
        "api/v1/shopper/sessions/<uuid:session_id>/help/",
        SessionHelpView.as_view(),
        name="shopper-session-help",
    ),
    *router.urls,
]
