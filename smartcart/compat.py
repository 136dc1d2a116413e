"""Which on-prem versions work with which cart/rack firmware and which cloud (no Django).

The cloud asks before it sends a store an on-prem release (cloud/software), and the store's
updater asks again with the devices it sees right before it installs (onprem/software): an
update is refused when the target version would not accept the firmware some of the store's
carts or racks run, or would not speak the cloud's tunnel protocol.

The table is data. Each on-prem release line is one row: the on-prem versions it covers
(from, up to but not including), the firmware it accepts per hardware (same), and the cloud
tunnel protocol versions (smartcart.tunnel_frames.VERSION) it speaks. A release that changes
none of these is already covered by its line's row. A release that does — drops old cart
firmware, needs a newer rack, speaks a new protocol — adds a row starting at its version and
ends the previous row there. A version no row covers is refused: an on-prem release must be
described here before it reaches any store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Span = tuple[str, str]  # [lowest, below): versions from the first up to but not the second
LEADING_VERSION = re.compile(r"(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?(?:[.+-]?[A-Za-z0-9.+-]*)?")


@dataclass(frozen=True)
class Row:
    onprem: Span
    firmware: Mapping[str, Span]
    cloud_protocols: frozenset[int]
    why: str = field(default="", compare=False)


COMPAT: tuple[Row, ...] = (
    Row(
        onprem=("0.1.0", "1.0.0"),
        # Telemetry schema 1 and the OTA image format of docs/ota.md: every 1.x firmware.
        firmware={"cart-v1": ("1.0.0", "2.0.0"), "rack-v1": ("1.0.0", "2.0.0")},
        cloud_protocols=frozenset({1}),
        why="the 0.x line: telemetry schema 1, tunnel frames v1",
    ),
)


def version_key(text: str) -> tuple[int, int, int]:
    """MAJOR.MINOR.PATCH as numbers; a suffix (".dev3", "+g1a2b") is ignored: ValueError if
    the text does not start with a version."""
    match = LEADING_VERSION.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a version (MAJOR.MINOR.PATCH)")
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def within(version: str, span: Span) -> bool:
    low, below = span
    return version_key(low) <= version_key(version) < version_key(below)


def row_for(version: str, table: Iterable[Row] = COMPAT) -> Row | None:
    return next((row for row in table if within(version, row.onprem)), None)


def describe(span: Span) -> str:
    return f"{span[0]} up to but not {span[1]}"


def check_update(
    target_version: str,
    *,
    firmware: Mapping[str, Iterable[str] | Mapping[str, int]],
    cloud_protocol: int,
    store: str = "",
    table: Iterable[Row] = COMPAT,
) -> list[str]:
    """What would break if a store ran on-prem `target_version`: one sentence per problem,
    empty when nothing would.

    `firmware` is what the store's devices run, per hardware ("cart-v1"): a set of versions,
    or {version: how many devices run it} (the sentences then say how many). `store` names
    the store in the sentences.
    """
    try:
        row = row_for(target_version, table)
    except ValueError as exc:
        return [f"on-prem {target_version!r} cannot be checked: {exc}"]
    if row is None:
        return [
            f"on-prem {target_version} is not in the compatibility table (smartcart/compat.py): "
            "add its row before rolling it out"
        ]
    problems = []
    if cloud_protocol not in row.cloud_protocols:
        spoken = ", ".join(str(p) for p in sorted(row.cloud_protocols))
        problems.append(
            f"on-prem {target_version} speaks cloud tunnel protocol {spoken}, "
            f"and this cloud speaks {cloud_protocol}"
        )
    for hardware in sorted(firmware):
        for version, count in sorted(counted(firmware[hardware]).items()):
            problem = firmware_problem(row, target_version, hardware, version)
            if problem:
                problems.append(f"{problem}, which {who(hardware, count, store)}")
    return problems


def counted(versions: Iterable[str] | Mapping[str, int]) -> dict[str, int | None]:
    if isinstance(versions, Mapping):
        return dict(versions)
    return dict.fromkeys(versions)


def firmware_problem(row: Row, target: str, hardware: str, version: str) -> str:
    span = row.firmware.get(hardware)
    if span is None:
        return f"on-prem {target} does not know {hardware} devices (firmware {version})"
    try:
        if within(version, span):
            return ""
    except ValueError:
        return f"on-prem {target} cannot check {hardware} firmware {version!r} (not a version)"
    return (
        f"on-prem {target} does not accept {hardware} firmware {version} "
        f"(it takes {describe(span)})"
    )


def who(hardware: str, count: int | None, store: str) -> str:
    devices = f"{hardware.split('-')[0]}s"
    if count == 1:
        devices = devices[:-1]
    amount = f"{count} " if count is not None else ""
    place = f" of {store}" if store else " of the store"
    return f"{amount}{devices}{place} {'runs' if count == 1 else 'run'}"
