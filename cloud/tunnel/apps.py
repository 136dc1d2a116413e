from django.apps import AppConfig


class Config(AppConfig):
    name = "cloud.tunnel"
    label = "cloud_tunnel"
