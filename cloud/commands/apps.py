from django.apps import AppConfig


class Config(AppConfig):
    name = "cloud.commands"
    label = "cloud_commands"
