from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.shopping"
    label = "shopping"
    verbose_name = "Shopping"
