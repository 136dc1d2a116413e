"""pytest plugin (`-p tests.demo_env` in pyproject): the suite runs on the demo's footing.

Loaded before pytest-django reads the settings, which a conftest.py is not: the suite runs on
the built-in secret key with DEBUG off, which only SMARTCART_DEMO=1 allows. The servers and
commands the tests start inherit it. Tests of production mode set their own environment.
"""

from __future__ import annotations

import os

os.environ.setdefault("SMARTCART_DEMO", "1")
