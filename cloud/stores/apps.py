from django.apps import AppConfig


class Config(AppConfig):
    name = "cloud.stores"
    label = "cloud_stores"
