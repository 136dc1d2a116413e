from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.alerts"
    label = "alerts"
    verbose_name = "Alerts"
