from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.fleet"
    label = "fleet"
