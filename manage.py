#!/usr/bin/env python
"""Django entry for both tiers: SMARTCART_TIER=onprem (default) or cloud, or --settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    tier = os.environ.get("SMARTCART_TIER", "onprem")
    if tier not in ("onprem", "cloud"):
        sys.exit(f"SMARTCART_TIER={tier!r} must be onprem or cloud")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{tier}.settings")
    from smartcart.envconf import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        sys.exit(f"configuration error: {exc}")


if __name__ == "__main__":
    main()
