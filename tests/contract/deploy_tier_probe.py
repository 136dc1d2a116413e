"""Run inside one tier (SMARTCART_TIER, DJANGO_SETTINGS_MODULE set): reads a JSON list of checks
on stdin, prints a JSON list of problems (sentences). Used by deploy_check.py, one process
per tier, because each tier's apps, management commands and URLs exist only in its settings.

Checks: {"manage": argv after manage.py} | {"asgi": "module:attr"} |
{"celery": [app, subcommand, *options]} | {"path": "/healthz"}.
"""

from __future__ import annotations

import importlib
import json
import sys

import django


def manage(argv: list[str]) -> list[str]:
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import CommandError

    if not argv:
        return ["`manage.py` without a command"]
    name, args = argv[0], argv[1:]
    commands = get_commands()
    if name not in commands:
        return [f"`manage.py {name}` is no management command of the {tier()} tier"]
    command = load_command_class(commands[name], name)
    try:
        command.create_parser("manage.py", name).parse_args(args)
    except (CommandError, SystemExit) as exc:
        return [f"`manage.py {name} {' '.join(args)}`: {exc}"]
    return []


def asgi(path: str) -> list[str]:
    module, _, attr = path.partition(":")
    try:
        target = getattr(importlib.import_module(module), attr or "application")
    except (ImportError, AttributeError) as exc:
        return [f"ASGI application {path!r} does not import: {exc}"]
    return [] if callable(target) else [f"ASGI application {path!r} is not callable"]


def celery(app_name: str, subcommand: str, options: list[str]) -> list[str]:
    from celery import Celery
    from celery.app.utils import find_app
    from celery.bin.base import CLIContext
    from celery.bin.beat import beat
    from celery.bin.worker import worker

    try:
        app = find_app(app_name)  # what `celery -A` does: <name>.app, <name>.celery, ...
    except (ImportError, AttributeError) as exc:
        return [f"celery -A {app_name}: the module does not import ({exc})"]
    if not isinstance(app, Celery):
        return [f"celery -A {app_name}: no Celery app there"]
    commands = {"worker": worker, "beat": beat}
    if subcommand not in commands:
        return [f"celery -A {app_name} {subcommand}: not a server command (worker, beat)"]
    obj = CLIContext(app=app, no_color=True, workdir=None, quiet=True)
    try:
        commands[subcommand].make_context(subcommand, list(options), obj=obj)
    except Exception as exc:  # noqa: BLE001 - click's usage errors, reported as the problem
        return [f"celery -A {app_name} {subcommand} {' '.join(options)}: {exc}"]
    return []


def path(url_path: str) -> list[str]:
    from django.urls import Resolver404, resolve

    try:
        resolve(url_path)
    except Resolver404:
        return [f"{url_path} is no URL of the {tier()} tier"]
    return []


def tier() -> str:
    from django.conf import settings

    return settings.TIER


def run(check: dict) -> list[str]:
    if "manage" in check:
        return manage(check["manage"])
    if "asgi" in check:
        return asgi(check["asgi"])
    if "celery" in check:
        app_name, subcommand, *options = check["celery"]
        return celery(app_name, subcommand, options)
    return path(check["path"])


def main() -> None:
    django.setup()
    checks = json.load(sys.stdin)
    print(json.dumps([[problem for problem in run(check)] for check in checks]))


if __name__ == "__main__":
    main()
