from django.apps import AppConfig


class Config(AppConfig):
    name = "cloud.console"
    label = "console"
    verbose_name = "Ops console"
