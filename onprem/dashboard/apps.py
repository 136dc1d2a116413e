from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
