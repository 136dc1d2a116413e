from django.urls import path

from . import views
from .pages import PAGES

app_name = "analytics"

urlpatterns = [
    path("", views.page, {"key": "overview"}, name="overview"),
    *[path(f"{p.key}/", views.page, {"key": p.key}, name=p.key) for p in PAGES if p.key != "overview"],
    path("csv/<slug:key>.csv", views.table_csv, name="csv"),
]
