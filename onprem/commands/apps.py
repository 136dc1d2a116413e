from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.commands"
    label = "commands"
