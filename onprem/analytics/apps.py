from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.analytics"
    label = "analytics"
    verbose_name = "Analytics"
