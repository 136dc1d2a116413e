from django.urls import re_path

from .views import ChainCommandsView, StoreCommandsView, StoreCommandView

urlpatterns = [
    re_path(r"^store-commands/$", ChainCommandsView.as_view(), name="chain-commands"),
    re_path(
        r"^stores/(?P<code>[A-Za-z0-9_.-]{1,64})/commands/$",
        StoreCommandsView.as_view(),
        name="store-commands",
    ),
    re_path(
        r"^store-commands/(?P<pk>[A-Za-z0-9._:-]{1,64})/$",
        StoreCommandView.as_view(),
        name="store-command",
    ),
]
