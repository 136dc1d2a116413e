"""The cloud (chain) tier.

Its Celery app is loaded by cloud.core's AppConfig.ready(), not here: importing this package
from an on-prem process (tests do) must not make a second Celery app current there.
"""
