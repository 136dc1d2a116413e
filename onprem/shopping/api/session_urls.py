from __future__ import annotations

from django.urls import path

from .sessions import (
    BasketItemsView,
    BasketLineView,
    SessionDetailView,
    SessionEndView,
    SessionListView,
)

SESSION = "api/v1/shopper/sessions/<uuid:session_id>/"

urlpatterns = [
    path("api/v1/shopper/sessions/", SessionListView.as_view(), name="shopper-sessions"),
    path(SESSION, SessionDetailView.as_view(), name="shopper-session"),
    path(f"{SESSION}end/", SessionEndView.as_view(), name="shopper-session-end"),
    path(f"{SESSION}items/", BasketItemsView.as_view(), name="shopper-basket-items"),
    path(f"{SESSION}items/<uuid:line_id>/", BasketLineView.as_view(), name="shopper-basket-line"),
]
