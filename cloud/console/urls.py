"""The ops console, mounted at /console/ (cloud/urls.py)."""

from django.urls import path, re_path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("releases/", views.releases, name="releases"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", views.campaign_page, name="campaign"),
    path("campaigns/<int:pk>/progress.json", views.campaign_progress, name="campaign-progress"),
    path("campaigns/<int:pk>/<str:action>/", views.campaign_action, name="campaign-action"),
    path("stores/", views.stores, name="stores"),
    re_path(
        r"^stores/(?P<code>[A-Za-z0-9_.-]{1,64})/firmware/$",
        views.store_firmware,
        name="store-firmware",
    ),
]
