from django.urls import path, re_path

from .views import RolloutAbortView, RolloutsView, RolloutView, StoreSoftwareView

urlpatterns = [
    path("rollouts/", RolloutsView.as_view(), name="rollouts"),
    path("rollouts/<int:pk>/", RolloutView.as_view(), name="rollout"),
    path("rollouts/<int:pk>/abort/", RolloutAbortView.as_view(), name="rollout-abort"),
    re_path(
        r"^stores/(?P<code>[A-Za-z0-9_.-]{1,64})/software/$",
        StoreSoftwareView.as_view(),
        name="store-software",
    ),
]
