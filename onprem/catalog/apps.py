from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.catalog"
    label = "catalog"
