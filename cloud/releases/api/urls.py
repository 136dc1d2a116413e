from django.urls import path, re_path

from .views import (
    CampaignsView,
    CampaignView,
    ReleaseArtifactView,
    ReleasesView,
    ReleaseView,
    StoreFirmwareView,
    action_view,
)

urlpatterns = [
    path("releases/", ReleasesView.as_view(), name="releases"),
    path("releases/<int:pk>/", ReleaseView.as_view(), name="release"),
    path("releases/<int:pk>/artifact/", ReleaseArtifactView.as_view(), name="release-artifact"),
    path("campaigns/", CampaignsView.as_view(), name="campaigns"),
    path("campaigns/<int:pk>/", CampaignView.as_view(), name="campaign"),
    *[
        path(f"campaigns/<int:pk>/{name}/", action_view(name), name=f"campaign-{name}")
        for name in ("pause", "resume", "abort", "approve")
    ],
    re_path(
        r"^stores/(?P<code>[A-Za-z0-9_.-]{1,64})/firmware/$",
        StoreFirmwareView.as_view(),
        name="store-firmware",
    ),
]
