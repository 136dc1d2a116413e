"""The embedded MQTT broker (amqtt) that `smartcart demo` and the default test run use.

Production runs Mosquitto (deploy/mosquitto/) with per-device passwords and ACLs; this
broker is for a laptop with nothing installed, so it accepts anonymous clients on loopback.
    python -m smartcart.broker --port 1884
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

DEFAULT_PORT = 1884  # 1883 is usually a real Mosquitto's


def broker_config(host: str, port: int) -> dict:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}", "max_connections": 2000}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }


def spec_broker_class():
    """amqtt's Broker, sending a client only the retained messages of its own subscriptions.

    amqtt 0.12 also sends every connecting client the retained messages that match *any*
    client's subscription (on connect it walks the broker-wide subscription table): with an
    ingest subscribed to "#", each new client received every retained status on the broker,
    other stores' included. MQTT (and Mosquitto) send retained messages for the client's own
    subscriptions only."""
    from amqtt.broker import Broker

    class SpecBroker(Broker):
        async def _publish_retained_messages_for_subscription(self, subscription, session) -> None:
            subscribers = self._subscriptions.get(subscription[0], [])
            if any(s.client_id == session.client_id for s, _ in subscribers):
                await super()._publish_retained_messages_for_subscription(subscription, session)

    return SpecBroker


async def serve(host: str, port: int) -> None:
    broker = spec_broker_class()(broker_config(host, port))
    await broker.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    logging.getLogger(__name__).info("embedded MQTT broker listening on %s:%s", host, port)
    await stop.wait()
    await broker.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="smartcart-broker", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
