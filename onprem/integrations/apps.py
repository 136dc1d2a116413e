from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.integrations"
    label = "integrations"
