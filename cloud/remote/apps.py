from django.apps import AppConfig


class Config(AppConfig):
    name = "cloud.remote"
    label = "cloud_remote"
