from django.apps import AppConfig


class Config(AppConfig):
    name = "cloud.releases"
    label = "releases"
    verbose_name = "Releases and campaigns"
