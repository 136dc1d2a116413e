from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.integrations.erp"
    label = "erp"
