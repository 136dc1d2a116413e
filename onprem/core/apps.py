from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.core"
    label = "core"
