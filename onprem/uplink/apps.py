from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.uplink"
    label = "uplink"
