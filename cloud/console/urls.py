"""The ops console, mounted at /console/ (cloud/urls.py)."""

from django.urls import path, re_path

from .views import channels, incidents, releases, software, stores

STORE = r"^stores/(?P<code>[A-Za-z0-9_.-]{1,64})/"

app_name = "console"
urlpatterns = [
    path("", stores.home, name="home"),
    path("stores/", stores.stores, name="stores"),
    re_path(STORE + r"$", stores.store_page, name="store"),
    re_path(STORE + r"actions/$", stores.store_action, name="store-action"),
    re_path(STORE + r"commands\.json$", stores.store_commands, name="store-commands"),
    re_path(STORE + r"firmware/$", releases.store_firmware, name="store-firmware"),
    path("incidents/", incidents.incidents, name="incidents"),
    path("incidents/<int:pk>/", incidents.incident_page, name="incident"),
    path("channels/", channels.channels, name="channels"),
    path("channels/new/", channels.channel_edit, name="channel-new"),
    path("channels/<int:pk>/", channels.channel_edit, name="channel"),
    path("channels/<int:pk>/test/", channels.channel_test, name="channel-test"),
    path("software/", software.software, name="software"),
    path("software/rollouts/<int:pk>/", software.rollout_page, name="rollout"),
    path("software/rollouts/<int:pk>/abort/", software.rollout_abort, name="rollout-abort"),
    path("releases/", releases.releases, name="releases"),
    path("campaigns/", releases.campaign_list, name="campaigns"),
    path("campaigns/new/", releases.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", releases.campaign_page, name="campaign"),
    path("campaigns/<int:pk>/progress.json", releases.campaign_progress, name="campaign-progress"),
    path("campaigns/<int:pk>/<str:action>/", releases.campaign_action, name="campaign-action"),
]
