from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("cloud.incidents.api.urls")),
]
