"""Options whose value may start with "-": a generated password or key often does.

argparse reads `--password -x9...` as an option with no value and stops with "expected one
argument". A command lists such options in `dash_value_options`; the word after each is then
its value, whatever it starts with, from the shell and from call_command alike.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable


def glue_values(argv: list[str], options: Iterable[str]) -> list[str]:
    """`[..., "--password", "-x"]` -> `[..., "--password=-x"]` for each option in `options`."""
    options = set(options)
    glued: list[str] = []
    words = iter(argv)
    for word in words:
        value = next(words, None) if word in options else None
        glued.append(word if value is None else f"{word}={value}")
    return glued


class DashValueOptions:
    """Mixin for a BaseCommand: its `dash_value_options` take values that start with "-"."""

    dash_value_options: tuple[str, ...] = ()

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parse_args = parser.parse_args

        def parse_glued(args=None, namespace=None):
            argv = list(sys.argv[1:] if args is None else args)
            return parse_args(glue_values(argv, self.dash_value_options), namespace)

        parser.parse_args = parse_glued
        return parser
