"""Agent configuration: a TOML file (`--config FILE`) overlaid by SMARTCART_AGENT_* variables.

Every value remembers where it came from, so a bad one stops the agent with a sentence that
names the variable or the file key to fix, not a traceback.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from smartcart.envconf import ConfigError
from smartcart.protocol import ProtocolError
from smartcart.protocol.topics import check_id

ENV_PREFIX = "SMARTCART_AGENT_"
COMMON_KEYS = (
    "store",
    "device",
    "mqtt_url",
    "username",
    "password",
    "password_file",
    "tls_ca",
    "keepalive",
    "outbox",
    "outbox_max",
    "interval",
    "firmware",
    "seed",
    "speed",
    "reconnect_min",
    "reconnect_max",
    "log_level",
    "trust",
    "ota_dir",
)


@dataclass(frozen=True, slots=True)
class MqttSettings:
    host: str
    port: int
    tls: bool
    protocol: int  # 3 = MQTT 3.1.1 (the embedded amqtt broker), 5 = MQTT 5
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    keepalive: int = 15
    reconnect_min: float = 0.5
    reconnect_max: float = 30.0


@dataclass(frozen=True, slots=True)
class AgentConfig:
    kind: str
    store: str
    device: str
    mqtt: MqttSettings
    outbox: Path
    outbox_max: int
    interval: float
    firmware: str
    seed: int | None
    speed: float  # simulated seconds per real second (simulated hardware only)
    log_level: str
    # Public keys (PEM files or directories of *.pub.pem) whose releases this device installs;
    # none: every ota.install is refused (unknown_key).
    trust: tuple[Path, ...] = ()
    ota_dir: Path | None = None  # firmware slots, OTA job and downloads; None: <outbox>.ota

    @property
    def ota_root(self) -> Path:
        return self.ota_dir or Path(f"{self.outbox}.ota")


class Source:
    """Raw values by key, each with its origin ("SMARTCART_AGENT_INTERVAL" or "interval in x.toml")."""

    def __init__(self, values: dict[str, tuple[Any, str]]) -> None:
        self.values = values

    @classmethod
    def gather(cls, path: Path | None, env: Mapping[str, str], known: tuple[str, ...]) -> Source:
        values = {key: (value, f"{key} in {path}") for key, value in read_toml(path, known).items()}
        for key in known:
            raw = env.get(ENV_PREFIX + key.upper())
            if raw is not None and raw != "":
                values[key] = (raw, ENV_PREFIX + key.upper())
        return cls(values)

    def raw(self, key: str) -> tuple[Any, str] | None:
        return self.values.get(key)

    def has(self, key: str) -> bool:
        return key in self.values


def read_toml(path: Path | None, known: tuple[str, ...]) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(
            f"config file {path} has unknown key {unknown[0]!r}; known keys: {', '.join(known)}"
        )
    return data


def read_text(src: Source, key: str, default: str | None = None) -> str:
    found = src.raw(key)
    if found is None:
        if default is None:
            raise ConfigError(
                f"{key} is required: set {ENV_PREFIX}{key.upper()} or {key} in the --config file"
            )
        return default
    value, origin = found
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{origin}={value!r} must be a non-empty string")
    return value.strip()


def read_id(src: Source, key: str, default: str | None = None) -> str:
    value = read_text(src, key, default)
    try:
        return check_id(value, key)
    except ProtocolError as exc:
        origin = src.raw(key)[1] if src.has(key) else key
        raise ConfigError(f"{origin}: {exc}") from None


def read_number(src: Source, key: str, default: float, lo: float, hi: float) -> float:
    found = src.raw(key)
    if found is None:
        return default
    value, origin = found
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{origin}={value!r} is not a number") from None
    if isinstance(value, bool) or not lo <= number <= hi:
        raise ConfigError(f"{origin}={value!r} must be a number between {lo:g} and {hi:g}")
    return number


def read_int(src: Source, key: str, default: int | None, lo: int, hi: int) -> int | None:
    found = src.raw(key)
    if found is None:
        return default
    value, origin = found
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{origin}={value!r} is not a whole number") from None
    if isinstance(value, bool | float) or not lo <= number <= hi:
        raise ConfigError(f"{origin}={value!r} must be a whole number between {lo} and {hi}")
    return number


def parse_mqtt_url(url: str, origin: str) -> dict[str, Any]:
    """mqtt[s]://[user:pass@]host[:port][?protocol=3|5] → the fields of MqttSettings."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise ConfigError(
            f"{origin}={url!r} must look like mqtt://user:pass@host:1883 or mqtts://host:8883"
        )
    try:
        port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
    except ValueError:
        raise ConfigError(f"{origin}={url!r} has a port that is not a number") from None
    protocol = dict(parse_qsl(parts.query)).get("protocol", "5")
    if protocol not in ("3", "5"):
        raise ConfigError(f"{origin}={url!r}: protocol={protocol!r} must be 3 (MQTT 3.1.1) or 5")
    return {
        "host": parts.hostname,
        "port": port,
        "tls": parts.scheme == "mqtts",
        "protocol": int(protocol),
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
    }


def read_password(src: Source, from_url: str | None) -> str | None:
    """Explicit password, else a password file (systemd credentials, K8s secrets), else the URL's."""
    if src.has("password"):
        return read_text(src, "password")
    if src.has("password_file"):
        path = Path(read_text(src, "password_file"))
        try:
            return path.read_text().strip()
        except OSError as exc:
            raise ConfigError(
                f"{src.raw('password_file')[1]}={str(path)!r} cannot be read: {exc.strerror}"
            ) from None
    return from_url


def read_mqtt(src: Source) -> MqttSettings:
    found = src.raw("mqtt_url") or ("mqtt://127.0.0.1:1883", "mqtt_url (default)")
    fields = parse_mqtt_url(str(found[0]), found[1])
    fields["username"] = read_text(src, "username") if src.has("username") else fields["username"]
    fields["password"] = read_password(src, fields["password"])
    ca_file = read_text(src, "tls_ca") if src.has("tls_ca") else None
    if ca_file and not Path(ca_file).is_file():
        raise ConfigError(f"{src.raw('tls_ca')[1]}={ca_file!r} is not a file")
    reconnect_min = read_number(src, "reconnect_min", 0.5, 0.01, 60)
    return MqttSettings(
        **fields,
        ca_file=ca_file,
        keepalive=read_int(src, "keepalive", 15, 2, 3600),
        reconnect_min=reconnect_min,
        reconnect_max=read_number(src, "reconnect_max", 30.0, reconnect_min, 3600),
    )


def read_trust(src: Source) -> tuple[Path, ...]:
    """`trust`: comma-separated paths of public keys or directories of them, each one there."""
    if not src.has("trust"):
        return ()
    origin = src.raw("trust")[1]
    paths = tuple(Path(part.strip()) for part in read_text(src, "trust").split(",") if part.strip())
    for path in paths:
        if not path.exists():
            raise ConfigError(f"{origin}: {str(path)!r} is neither a key file nor a directory")
    return paths


def read_common(kind: str, src: Source) -> AgentConfig:
    device = read_id(src, "device")
    log_level = read_text(src, "log_level", "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(
            f"{src.raw('log_level')[1]}={log_level!r} must be DEBUG, INFO, WARNING or ERROR"
        )
    return AgentConfig(
        kind=kind,
        store=read_id(src, "store"),
        device=device,
        mqtt=read_mqtt(src),
        outbox=Path(read_text(src, "outbox", f"var/agents/{device}.outbox.sqlite3")),
        outbox_max=read_int(src, "outbox_max", 100_000, 10, 10_000_000),
        interval=read_number(src, "interval", 5.0, 0.02, 3600),
        firmware=read_text(src, "firmware", "1.0.0"),
        seed=read_int(src, "seed", None, 0, 2**32),
        speed=read_number(src, "speed", 1.0, 0.0, 10_000),
        log_level=log_level,
        trust=read_trust(src),
        ota_dir=Path(read_text(src, "ota_dir")) if src.has("ota_dir") else None,
    )


def parse_args(prog: str, argv: list[str] | None) -> Path | None:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=f"Run the SmartCart {prog.split('_')[0]} agent.",
        epilog=f"Every key may also come from {ENV_PREFIX}<KEY> (e.g. {ENV_PREFIX}MQTT_URL); the variable wins.",
    )
    parser.add_argument("--config", type=Path, help="TOML file with the agent's settings")
    return parser.parse_args(argv).config


def load_source(
    prog: str,
    argv: list[str] | None,
    extra_keys: tuple[str, ...] = (),
    env: Mapping[str, str] | None = None,
) -> Source:
    path = parse_args(prog, argv)
    return Source.gather(path, os.environ if env is None else env, COMMON_KEYS + extra_keys)
