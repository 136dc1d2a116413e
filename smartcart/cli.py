"""The `smartcart` console script: a thin dispatcher to each tool's own main(argv).

Tools are imported lazily so `smartcart simulate` on a rack never loads the emulators.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "demo": ("simulator.demo:main", "run the whole system on embedded defaults"),
    "simulate": ("simulator:main", "run simulated racks and carts against a broker"),
    "cashless-emulator": ("smartcart.emulators.cashless.server:main", "emulate a cashless NFC terminal (API v4)"),
    "release": ("smartcart.release.cli:main", "sign, check and make firmware/software releases"),
    "erp-emulator": ("smartcart.emulators.erp.server:main", "emulate the store's Presence-style ERP"),
}


def usage() -> str:
    lines = ["usage: smartcart COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<18} {help_}" for name, (_, help_) in COMMANDS.items()]
    lines.append("\n`smartcart COMMAND --help` explains each one.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help"}:
        print(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"smartcart: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module, func = COMMANDS[name][0].split(":")
    return getattr(importlib.import_module(module), func)(rest) or 0


if __name__ == "__main__":
    sys.exit(main())
