from django.urls import include, path, re_path

from .views import remote_proxy

urlpatterns = [
    path("api/v1/", include("cloud.remote.api.urls")),
    re_path(r"^remote/[^/]+(?:/.*)?$", remote_proxy, name="remote-proxy"),
]
